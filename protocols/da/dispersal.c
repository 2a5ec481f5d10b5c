/* dispersal.c: the DA layer's storage and publishing lanes: submitters, nodes, the hub's
 * dispatcher and the quorum aggregators, at both grains (model in da.h).
 *
 * Per-slice: a submitter encodes one blob and sends each of its rows to its slot's node as
 * its own flow; the message is the blob's index, so nothing is allocated per row. Aggregate:
 * a submitter, at most once a dispersal_interval, encodes every blob waiting and uploads the
 * batch to the hub (the control host) in a few parallel flows; the hub's dispatcher tells each
 * node of the quorum, at most every dispersal_interval, which blobs [a, b) it is owed (a
 * message without bytes, the range packed in the pointer), and the node times the rows'
 * arrival on its downlink, their verification and its disk in closed form. At low load every
 * blob travels alone and the two grains coincide; at high load a node gets one batch per
 * interval, which bounds the messages per simulated second by 2 x nodes / interval. Nodes
 * answer with a share message (allocated; freed by the aggregator, or by SimGrid when the
 * transfer fails). */
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <stdint.h>
#include <stdlib.h>
#include <xbt/asserts.h>
#include <xbt/log.h>

#include "protocols/da/da_state.h"

XBT_LOG_NEW_DEFAULT_CATEGORY(da_dispersal, "DA dispersal");

/* What a node answers: its slots signed blobs [a, b) (per-slice: blob a, one slot). */
struct da_share {
  size_t node, a, b;
  long slots;
};


/* What a submitter uploads to the hub in the aggregate grain. */
struct da_upload {
  unsigned lane;
  struct arrival_batch *batches;
  size_t n_batches;
};

static void upload_free(void *p)
{
  struct da_upload *u = p;
  if (u)
    free(u->batches);
  free(u);
}

/* A blob range packed in a message pointer: a in the high half, b in the low, never NULL. */
static void *pack_range(size_t a, size_t b)
{
  xbt_assert(a < (1UL << 31) && b < (1UL << 31), "blob range past 2^31");
  return (void *)(uintptr_t)((uint64_t)a << 32 | (uint64_t)(b + 1));
}

static void unpack_range(void *p, size_t *a, size_t *b)
{
  uint64_t v = (uint64_t)(uintptr_t)p;
  *a = (size_t)(v >> 32);
  *b = (size_t)(v & 0xffffffffu) - 1;
}

static double device_seconds(double work, double rate)
{
  return rate > 0 ? work / rate : 0;
}

/* ---------------------------------------------------------------- submitters */

/* Takes one waiting blob from the submitter's lanes, round-robin. Returns the lane or -1. */
static int take_one(struct da_submitter *s, double *arrival)
{
  double now = simgrid_get_clock();
  for (unsigned k = 0; k < s->n_lanes; k++) {
    struct da_lane *l = &s->da->lanes[s->lanes[(s->next_lane + k) % s->n_lanes]];
    arrivals_fill(l->arrivals, now);
    if (arrivals_backlog(l->arrivals) < 1 - 1e-9)
      continue;
    size_t n = 0;
    arrivals_take(l->arrivals, 1, &s->taken, &n, &s->cap_taken);
    *arrival = s->taken[0].arrival;
    s->next_lane = (s->next_lane + k + 1) % s->n_lanes;
    return (int)l->id;
  }
  return -1;
}

static size_t new_blob(struct da *d, unsigned lane, double arrival)
{
  if (d->n_blobs == d->cap_blobs) {
    d->cap_blobs = d->cap_blobs ? 2 * d->cap_blobs : 256;
    d->blobs = realloc(d->blobs, d->cap_blobs * sizeof(*d->blobs));
    xbt_assert(d->blobs, "out of memory");
  }
  d->blobs[d->n_blobs] = (struct da_blob){.quorum = d->lanes[lane].quorum, .lane = lane,
                                          .arrival = arrival,
                                          .dispersed_at = simgrid_get_clock()};
  return d->n_blobs++;
}

static void push_pending(struct da_quorum *q, size_t blob)
{
  if (q->n_pending == q->cap_pending) {
    size_t cap = q->cap_pending ? 2 * q->cap_pending : 64;
    size_t *p = malloc(cap * sizeof(size_t));
    xbt_assert(p, "out of memory");
    for (size_t i = 0; i < q->n_pending; i++)
      p[i] = q->pending[(q->pending_head + i) % q->cap_pending];
    free(q->pending);
    q->pending = p;
    q->pending_head = 0;
    q->cap_pending = cap;
  }
  q->pending[(q->pending_head + q->n_pending++) % q->cap_pending] = blob;
}

/* Whether n can receive: up, and its actor restarted (with a mailbox of its own) since it
 * came back. */
static bool node_listening(const struct da *d, const struct da_node *n)
{
  const struct provider *p = &d->world->providers[n->provider];
  return sg_host_is_on(p->host) && n->listening_since >= p->up_since;
}

/* Per-slice: one flow per row from the submitter to its slot's node. */
static void disperse_slices(struct da *d, size_t blob)
{
  struct da_quorum *q = &d->quorums[d->blobs[blob].quorum];
  for (long slot = 0; slot < d->conf->quorum_slots; slot++) {
    struct da_node *n = &d->nodes[q->slot_node[slot]];
    n->rows_owed += 1;
    if (!node_listening(d, n))
      continue; /* the row is lost: the node never gets it */
    sg_comm_t c = sg_mailbox_put_init(n->mailbox, pack_range(blob, blob + 1), (long)d->row_bytes);
    sg_comm_detach(c, NULL);
  }
  d->bytes_dispersed += d->row_bytes * (double)d->conf->quorum_slots;
  world_count_activity(d->world, (double)d->conf->quorum_slots);
  d->flows += (double)d->conf->quorum_slots;
  push_pending(q, blob);
}

static void submit_per_slice(struct da_submitter *s, double tick_s)
{
  struct da *d = s->da;
  const struct provider *p = &d->world->providers[s->provider];
  for (;;) {
    double arrival;
    int lane = take_one(s, &arrival);
    if (lane < 0) {
      sg_actor_sleep_for(tick_s);
      continue;
    }
    double encode_s = device_seconds(d->conf->blob_bytes, p->device->da_encode_Bps);
    sg_actor_execute(world_exec_amount_for_seconds(d->world, p, encode_s));
    d->encode_s_total += encode_s;
    d->blobs_encoded += 1;
    world_count_activity(d->world, 1);
    disperse_slices(d, new_blob(d, (unsigned)lane, arrival));
  }
}

/* Marks the extra streams of an upload; the dispatcher ignores them. */
static char upload_stream_marker;

/* The rows of a batch leave in s->streams parallel flows, as the real rows do: one flow would
 * be held to SimGrid's TCP window (network/TCP-gamma per round trip) that thousands of row
 * transfers do not feel. The message rides on the first stream; the others are equal, so they
 * end with it. */
static void upload_streams(const struct da_submitter *s, sg_mailbox_t hub, struct da_upload *u,
                           double bytes)
{
  double each = bytes / s->streams;
  sg_comm_detach(sg_mailbox_put_init(hub, u, (long)each), upload_free);
  for (unsigned i = 1; i < s->streams; i++)
    sg_comm_detach(sg_mailbox_put_init(hub, &upload_stream_marker, (long)each), NULL);
}

static void submit_aggregate(struct da_submitter *s, double tick_s)
{
  struct da *d = s->da;
  const struct provider *p = &d->world->providers[s->provider];
  double interval = d->conf->dispersal_interval_s, last = -INFINITY;
  for (;;) {
    /* Like the hub, a submitter sends at most one batch a dispersal_interval: at load its
     * uploads are a few large flows a second instead of one per blob. */
    if (simgrid_get_clock() < last + interval)
      sg_actor_sleep_until(last + interval);
    double now = simgrid_get_clock(), total = 0;
    for (unsigned k = 0; k < s->n_lanes; k++) {
      struct da_lane *l = &d->lanes[s->lanes[k]];
      arrivals_fill(l->arrivals, now);
      total += floor(arrivals_backlog(l->arrivals) + 1e-9);
    }
    if (total < 1) {
      sg_actor_sleep_for(tick_s);
      continue;
    }
    last = now;
    double encode_s = device_seconds(total * d->conf->blob_bytes, p->device->da_encode_Bps);
    sg_actor_execute(world_exec_amount_for_seconds(d->world, p, encode_s));
    d->encode_s_total += encode_s;
    d->blobs_encoded += total;
    world_count_activity(d->world, 1);
    for (unsigned k = 0; k < s->n_lanes; k++) {
      struct da_lane *l = &d->lanes[s->lanes[k]];
      double n = floor(arrivals_backlog(l->arrivals) + 1e-9);
      if (n < 1)
        continue;
      struct da_upload *u = calloc(1, sizeof(*u));
      size_t cap = 0;
      xbt_assert(u, "out of memory");
      u->lane = l->id;
      arrivals_take(l->arrivals, n, &u->batches, &u->n_batches, &cap);
      upload_streams(s, d->quorums[l->quorum].uploads, u, n * d->encoded_bytes);
      d->bytes_dispersed += n * d->encoded_bytes;
      world_count_activity(d->world, s->streams);
      d->flows += s->streams;
    }
  }
}

void da_submitter_actor(int argc, char **argv)
{
  struct da_submitter *s = actors_state(argc, argv);
  /* Blobs appear at the lanes' mempool ticks: looking more often finds nothing new. */
  double tick_s = da_lane_tick_s(s->da);
  if (s->da->conf->grain == DA_GRAIN_PER_SLICE)
    submit_per_slice(s, tick_s);
  else
    submit_aggregate(s, tick_s);
}

/* ---------------------------------------------------------------- nodes */

/* Verification: each row checked against the commitment (recomputing its part of the
 * encoding) and one signature, at the node's calibrated rates. */
static double verify_seconds(const struct provider *p, double bytes)
{
  return device_seconds(bytes, p->device->da_encode_Bps) +
         device_seconds(1, p->device->sig_verify_per_s);
}

/* Per-slice: the row arrived with its flow; the node verifies it (an exec) and writes it. */
static double node_timeline_per_slice(struct da_node *n, size_t blob, double bytes)
{
  struct da *d = n->da;
  const struct provider *p = &d->world->providers[n->provider];
  d->blobs[blob].rows_received++;
  d->blobs[blob].delivered_at = simgrid_get_clock();
  sg_actor_execute(world_exec_amount_for_seconds(d->world, p, verify_seconds(p, bytes)));
  world_count_activity(d->world, 1);
  return simgrid_get_clock();
}

/* Aggregate grain: the rows of blobs [a, b) left the hub when this message did (it carries no
 * bytes). A DA node's downlink and CPU carry nothing but DA rows, so its work is a tandem of
 * FIFO servers computed in closed form and slept through once: the rows arrive after the
 * downlink has taken them behind earlier batches (at the hub route's bottleneck bandwidth; the
 * backbone is reported as a bound), then they are verified (time at the calibrated rates). */
static double node_timeline_aggregate(struct da_node *n, double bytes)
{
  const struct provider *p = &n->da->world->providers[n->provider];
  n->down_free_at = fmax(simgrid_get_clock(), n->down_free_at) + bytes / n->hub_Bps;
  return n->down_free_at + verify_seconds(p, bytes);
}

static void node_handle(struct da_node *n, size_t a, size_t b)
{
  struct da *d = n->da;
  bool per_slice = d->conf->grain == DA_GRAIN_PER_SLICE;
  long slots = per_slice ? 1 : n->slots;
  double rows = (double)(b - a) * (double)slots, bytes = rows * d->row_bytes;
  double t = per_slice ? node_timeline_per_slice(n, a, bytes) : node_timeline_aggregate(n, bytes);
  if (n->stores) {
    /* One disk per provider, a FIFO shared by the quorums it serves. */
    double *free_at = &d->disk_free_at[n->provider];
    t = fmax(t, *free_at) + bytes / d->conf->write_bandwidth_Bps;
    *free_at = t;
  }
  sg_actor_sleep_until(t);
  if (n->stores) {
    n->rows_stored += rows;
    if (metrics_in_window(d->world->metrics, t))
      n->bytes_written_in_window += bytes;
  } else {
    n->rows_dropped += rows;
  }
  struct da_share *share = malloc(sizeof(*share));
  xbt_assert(share, "out of memory");
  *share = (struct da_share){.node = (size_t)(n - d->nodes), .a = a, .b = b, .slots = slots};
  size_t box = (size_t)(n - d->nodes) % DA_SHARE_BOXES;
  sg_comm_t c = sg_mailbox_put_init(d->quorums[n->quorum].boxes[box].mailbox, share,
                                    (long)DA_SHARE_BYTES);
  sg_comm_detach(c, free);
  world_count_activity(d->world, 1);
  d->flows += 1;
}

/* What a node that went down lost: every row sent to it that it had not written. */
void da_node_account_loss(struct da_node *n)
{
  n->rows_lost = fmax(0, n->rows_owed - n->rows_stored - n->rows_dropped);
}

void da_node_actor(int argc, char **argv)
{
  struct da_node *n = actors_state(argc, argv);
  if (n->started)
    da_node_account_loss(n); /* restarted after a failure: its queue died with it */
  n->started = true;
  n->down_free_at = n->listening_since = simgrid_get_clock();
  /* Rows flow in while earlier ones are verified and written (no rendezvous per transfer). */
  n->mailbox = actors_open_mailbox(&n->starts);
  for (;;) {
    size_t a, b;
    void *msg = actors_receive(n->mailbox);
    if (!msg)
      continue;
    unpack_range(msg, &a, &b);
    node_handle(n, a, b);
  }
}

/* ---------------------------------------------------------------- the hub's dispatcher */

static void push_entry(struct da_quorum *q, struct da_entry e)
{
  if (q->n_entries == q->cap_entries) {
    size_t cap = q->cap_entries ? 2 * q->cap_entries : 64;
    struct da_entry *p = malloc(cap * sizeof(*p));
    xbt_assert(p, "out of memory");
    for (size_t i = 0; i < q->n_entries; i++)
      p[i] = q->entries[(q->entries_head + i) % q->cap_entries];
    free(q->entries);
    q->entries = p;
    q->entries_head = 0;
    q->cap_entries = cap;
  }
  q->entries[(q->entries_head + q->n_entries++) % q->cap_entries] = e;
}

static void dispatch(struct da_quorum *q)
{
  struct da *d = q->da;
  for (size_t i = 0; i < q->n_nodes; i++) {
    struct da_node *n = &d->nodes[q->nodes[i]];
    if (n->next_blob >= q->dispersed)
      continue;
    size_t a = n->next_blob, b = q->dispersed;
    n->next_blob = b;
    n->rows_owed += (double)(b - a) * (double)n->slots;
    if (!node_listening(d, n))
      continue;
    /* A notice without bytes: the node times the rows' arrival on its downlink. */
    sg_comm_t c = sg_mailbox_put_init(n->mailbox, pack_range(a, b), 0);
    sg_comm_detach(c, NULL);
    world_count_activity(d->world, 1);
    d->flows += 1;
  }
  q->last_dispatch = simgrid_get_clock();
  q->waiting = false;
}

/* Uploads arrive at the hub; rows leave it at most every dispersal_interval (the quorum's
 * ticker dispatches what waits longer). */
void da_dispatcher_actor(int argc, char **argv)
{
  struct da_quorum *q = actors_state(argc, argv);
  double interval = q->da->conf->dispersal_interval_s;
  sg_mailbox_set_receiver(sg_mailbox_get_name(q->uploads));
  for (;;) {
    void *msg = actors_receive(q->uploads);
    if (!msg || msg == &upload_stream_marker)
      continue;
    struct da_upload *u = msg;
    for (size_t i = 0; i < u->n_batches; i++) {
      push_entry(q, (struct da_entry){.first = q->dispersed, .count = u->batches[i].count,
                                      .arrival = u->batches[i].arrival,
                                      .uploaded_at = simgrid_get_clock(), .lane = u->lane});
      q->dispersed += (size_t)llround(u->batches[i].count);
    }
    upload_free(u);
    q->waiting = true;
    if (simgrid_get_clock() >= q->last_dispatch + interval - 1e-12)
      dispatch(q);
  }
}

/* ---------------------------------------------------------------- aggregation */

void da_record_acceptance(struct da_quorum *q, double arrival, double count)
{
  struct da *d = q->da;
  if (q->n_accepts == q->cap_accepts) {
    q->cap_accepts = q->cap_accepts ? 2 * q->cap_accepts : 256;
    q->accepts = realloc(q->accepts, q->cap_accepts * sizeof(*q->accepts));
    xbt_assert(q->accepts, "out of memory");
  }
  double now = simgrid_get_clock();
  q->accepts[q->n_accepts++] = (struct da_accept){.arrival = arrival, .count = count,
                                                  .aggregated_at = now};
  q->unpublished += count;
  d->blobs_aggregated += count;
  d->pool += count * d->conf->sampling.fee_per_blob;
  d->fees_unrecorded += count * d->conf->sampling.fee_per_blob;
  if (metrics_in_window(d->world->metrics, now))
    hist_add(d->aggregation_latency, now - arrival, count);
}

void da_publish(struct da_quorum *q)
{
  struct da *d = q->da;
  if (q->unpublished <= 0)
    return;
  if (d->ledger) {
    struct ledger_ticket t =
      ledger_submit(d->ledger, q->unpublished, q->unpublished * da_publish_bytes(d->conf));
    for (size_t i = q->first_unpublished; i < q->n_accepts; i++) {
      q->accepts[i].ticket = t;
      q->accepts[i].has_ticket = true;
    }
  }
  q->first_unpublished = q->n_accepts;
  q->unpublished = 0;
  q->last_publish = simgrid_get_clock();
}

/* Aggregate grain: accepts what the frontier passed, entry by entry. */
static void advance(struct da_quorum *q)
{
  size_t n = frontier_advance(q->frontier, q->dispersed);
  while (n > 0) {
    struct da_entry *e = &q->entries[q->entries_head];
    double take = fmin(e->count, (double)n);
    da_record_acceptance(q, e->arrival, take);
    e->count -= take;
    e->first += (size_t)take;
    n -= (size_t)take;
    if (e->count < 0.5) {
      q->entries_head = (q->entries_head + 1) % q->cap_entries;
      q->n_entries--;
    }
  }
}

/* Gives a blob up and queues it again at its lane, with its first arrival time. */
static void retry(struct da *d, unsigned lane, double arrival)
{
  struct arrival_batch again = {arrival, 1};
  arrivals_return(d->lanes[lane].arrivals, &again, 1);
  d->blobs_retried++;
}

/* Blobs dispersed retry_timeout ago and still short of the threshold are retried. */
static void expire(struct da_quorum *q)
{
  struct da *d = q->da;
  double cutoff = simgrid_get_clock() - d->conf->retry_timeout_s;
  if (d->conf->grain == DA_GRAIN_PER_SLICE) {
    while (q->n_pending > 0) {
      struct da_blob *b = &d->blobs[q->pending[q->pending_head]];
      if (!b->decided && b->dispersed_at > cutoff)
        break;
      if (!b->decided) {
        b->decided = true;
        retry(d, b->lane, b->arrival);
      }
      q->pending_head = (q->pending_head + 1) % q->cap_pending;
      q->n_pending--;
    }
    return;
  }
  while (q->n_entries > 0) {
    struct da_entry *e = &q->entries[q->entries_head];
    if (e->uploaded_at > cutoff || frontier_position(q->frontier) >= q->dispersed)
      break;
    frontier_skip(q->frontier);
    retry(d, e->lane, e->arrival);
    e->count -= 1;
    e->first += 1;
    if (e->count < 0.5) {
      q->entries_head = (q->entries_head + 1) % q->cap_entries;
      q->n_entries--;
    }
    advance(q);
  }
}

static void handle_share(struct da_quorum *q, const struct da_share *s)
{
  struct da *d = q->da;
  if (d->conf->grain == DA_GRAIN_PER_SLICE) {
    struct da_blob *b = &d->blobs[s->a];
    if (b->decided)
      return;
    b->shares += s->slots;
    if (b->shares >= d->threshold) {
      b->decided = b->accepted = true;
      b->aggregated_at = simgrid_get_clock();
      da_record_acceptance(q, b->arrival, 1);
      da_publish(q);
    }
    return;
  }
  frontier_cover(q->frontier, s->a, s->b, s->slots);
  advance(q);
  if (simgrid_get_clock() >= q->last_publish + d->conf->dispersal_interval_s - 1e-12)
    da_publish(q);
}

void da_aggregator_actor(int argc, char **argv)
{
  struct da_share_box *box = actors_state(argc, argv);
  /* Shares cross the network in parallel rather than one get at a time. */
  sg_mailbox_set_receiver(sg_mailbox_get_name(box->mailbox));
  for (;;) {
    struct da_share *s = actors_receive(box->mailbox);
    if (!s)
      continue; /* its node went down with the share on the way: the rows are lost */
    handle_share(box->q, s);
    free(s);
  }
}

/* The quorum's clock: rows that waited out the dispersal interval, retries, publications. */
void da_ticker_actor(int argc, char **argv)
{
  struct da_quorum *q = actors_state(argc, argv);
  double interval = q->da->conf->dispersal_interval_s;
  double period = interval > 0 ? interval : 1.0;
  if (q->da->conf->grain == DA_GRAIN_PER_SLICE)
    period = 1.0;
  for (;;) {
    sg_actor_sleep_for(period);
    if (q->waiting && simgrid_get_clock() >= q->last_dispatch + interval - 1e-12)
      dispatch(q);
    expire(q);
    da_publish(q);
  }
}
