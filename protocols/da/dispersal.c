/* dispersal.c: the DA layer's submitters (both grains), the per-slice grain's nodes,
 * aggregators and quorum clock, and the acceptances and publications both grains share (model
 * in da.h; the aggregate grain's hub is in hub.c).
 *
 * Per-slice: a submitter encodes one blob and sends each of its rows to its slot's node as
 * its own flow; the message is the blob's index, so nothing is allocated per row. The node
 * verifies the row (an exec), writes it and answers with a share message (allocated; freed by
 * the aggregator, or by SimGrid when the transfer fails). Aggregate: a submitter, at most once
 * a dispersal_interval, encodes every blob waiting and uploads the batch to the hub in a few
 * parallel flows. */
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

/* What a per-slice node answers: its slot signed blob `blob`. */
struct da_share {
  size_t node, blob;
};

void da_upload_free(void *p)
{
  struct da_upload *u = p;
  if (u)
    free(u->batches);
  free(u);
}

/* A blob index as a message pointer, never NULL. */
static void *pack_blob(size_t blob)
{
  return (void *)(uintptr_t)(blob + 1);
}

static size_t unpack_blob(void *p)
{
  return (size_t)(uintptr_t)p - 1;
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
    sg_comm_t c = sg_mailbox_put_init(n->mailbox, pack_blob(blob), (long)d->row_bytes);
    sg_comm_detach(c, NULL);
  }
  d->bytes_dispersed += d->row_bytes * (double)d->conf->quorum_slots;
  world_count_activity(d->world, (double)d->conf->quorum_slots);
  d->flows += (double)d->conf->quorum_slots;
  *(size_t *)ring_push_back(&q->pending) = blob;
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

bool da_upload_is_extra_stream(const void *msg)
{
  return msg == &upload_stream_marker;
}

/* The rows of a batch leave in s->streams parallel flows, as the real rows do: one flow would
 * be held to SimGrid's TCP window (network/TCP-gamma per round trip) that thousands of row
 * transfers do not feel. The message rides on the first stream; the others are equal, so they
 * end with it. */
static void upload_streams(const struct da_submitter *s, sg_mailbox_t hub, struct da_upload *u,
                           double bytes)
{
  double each = bytes / s->streams;
  sg_comm_detach(sg_mailbox_put_init(hub, u, (long)each), da_upload_free);
  for (unsigned i = 1; i < s->streams; i++)
    sg_comm_detach(sg_mailbox_put_init(hub, &upload_stream_marker, (long)each), NULL);
}

static void submit_aggregate(struct da_submitter *s, double tick_s)
{
  struct da *d = s->da;
  const struct provider *p = &d->world->providers[s->provider];
  /* Like the hub, a submitter sends about one batch a dispersal_interval under load: its
   * uploads are a few large flows a second instead of one per blob. */
  struct pacer uploads = pacer_new(d->conf->dispersal_interval_s);
  for (;;) {
    double wait = pacer_wait(&uploads, simgrid_get_clock());
    if (wait > 0)
      sg_actor_sleep_for(wait);
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
    pacer_take(&uploads, now);
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
double da_verify_seconds(const struct provider *p, double bytes)
{
  return device_seconds(bytes, p->device->da_encode_Bps) +
         device_seconds(1, p->device->sig_verify_per_s);
}

/* The row of `blob` arrived with its flow: the node verifies it (an exec), writes it to its
 * provider's disk (a FIFO shared by the quorums it serves) and sends its share. */
static void node_handle(struct da_node *n, size_t blob)
{
  struct da *d = n->da;
  const struct provider *p = &d->world->providers[n->provider];
  d->blobs[blob].rows_received++;
  d->blobs[blob].delivered_at = simgrid_get_clock();
  sg_actor_execute(world_exec_amount_for_seconds(d->world, p, da_verify_seconds(p, d->row_bytes)));
  world_count_activity(d->world, 1);
  double t = simgrid_get_clock();
  if (n->stores) {
    double *free_at = &d->hosts[n->provider].disk_free_at;
    t = fmax(t, *free_at) + d->row_bytes / d->conf->write_bandwidth_Bps;
    *free_at = t;
  }
  sg_actor_sleep_until(t);
  if (n->stores) {
    n->rows_stored += 1;
    if (metrics_in_window(d->world->metrics, t))
      n->bytes_written_in_window += d->row_bytes;
  } else {
    n->rows_dropped += 1;
  }
  struct da_share *share = malloc(sizeof(*share));
  xbt_assert(share, "out of memory");
  *share = (struct da_share){.node = (size_t)(n - d->nodes), .blob = blob};
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
  n->listening_since = simgrid_get_clock();
  /* Rows flow in while earlier ones are verified and written (no rendezvous per transfer). */
  n->mailbox = actors_open_mailbox(&n->starts);
  for (;;) {
    void *msg = actors_receive(n->mailbox);
    if (msg)
      node_handle(n, unpack_blob(msg));
  }
}

/* ---------------------------------------------------------------- aggregation */

void da_record_acceptance(struct da_quorum *q, double arrival, double count, double at)
{
  struct da *d = q->da;
  if (q->n_accepts == q->cap_accepts) {
    q->cap_accepts = q->cap_accepts ? 2 * q->cap_accepts : 256;
    q->accepts = realloc(q->accepts, q->cap_accepts * sizeof(*q->accepts));
    xbt_assert(q->accepts, "out of memory");
  }
  q->accepts[q->n_accepts++] = (struct da_accept){.arrival = arrival, .count = count,
                                                  .aggregated_at = at};
  q->unpublished += count;
  d->blobs_aggregated += count;
  d->pool += count * d->conf->sampling.fee_per_blob;
  d->fees_unrecorded += count * d->conf->sampling.fee_per_blob;
  if (metrics_in_window(d->world->metrics, at))
    hist_add(d->aggregation_latency, at - arrival, count);
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
}

void da_retry(struct da *d, unsigned lane, double arrival)
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
  while (q->pending.size > 0) {
    struct da_blob *b = &d->blobs[*(size_t *)ring_at(&q->pending, 0)];
    if (!b->decided && b->dispersed_at > cutoff)
      break;
    if (!b->decided) {
      b->decided = true;
      da_retry(d, b->lane, b->arrival);
    }
    ring_pop_front(&q->pending);
  }
}

static void handle_share(struct da_quorum *q, const struct da_share *s)
{
  struct da *d = q->da;
  struct da_blob *b = &d->blobs[s->blob];
  if (b->decided)
    return;
  b->shares += 1;
  if (b->shares >= d->threshold) {
    b->decided = b->accepted = true;
    b->aggregated_at = simgrid_get_clock();
    da_record_acceptance(q, b->arrival, 1, b->aggregated_at);
    da_publish(q);
  }
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

/* The per-slice quorum's clock: retries and publications, once a second. */
void da_ticker_actor(int argc, char **argv)
{
  struct da_quorum *q = actors_state(argc, argv);
  for (;;) {
    sg_actor_sleep_for(1.0);
    expire(q);
    da_publish(q);
  }
}
