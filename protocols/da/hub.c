/* hub.c: the aggregate grain's hub (model in da.h). Submitters upload their batches to the hub
 * (the control host) as SimGrid flows; the hub's dispatcher sends each node of the quorum,
 * about once a dispersal_interval under load, the rows of the blobs [a, b) it is owed. A DA
 * node's downlink, CPU and disk carry nothing but DA rows, so what happens next is a tandem of
 * FIFO servers computed in closed form when the rows leave the hub, with no actor and no
 * SimGrid activity per node: the rows arrive after the route's latency and the provider's
 * downlink has taken them behind earlier rows (at the route's bottleneck bandwidth; the
 * backbone is reported as a bound), are verified on its CPU behind earlier rows, written to
 * its disk behind earlier writes, and its signature share reaches the hub one route latency
 * later. Each batch is an event in the quorum's heap at its share's arrival; the quorum's
 * clock settles the due shares in time order, and a blob is aggregated at the time of the
 * share that takes it past the threshold. The clock wakes when shares are due and a
 * publication may go (publications are paced like dispatches, sim/base/pacer.h), and once a
 * second for retries: a few wake-ups a second per quorum, however many nodes it has.
 *
 * Failures: rows sent to a provider that is down are lost; a provider that goes down before a
 * batch is written loses it, and one that goes down after the write and before the share
 * arrives keeps the rows but its share is lost. Exact unless a provider fails twice within one
 * batch's life (a dispersal interval or so): then the batch counts as lost. */
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <stdint.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/da/da_state.h"

#define NO_BATCH SIZE_MAX

/* ---------------------------------------------------------------- the batch pool */

static size_t batch_new(struct da_quorum *q)
{
  if (q->free_batch == NO_BATCH) {
    size_t old = q->n_batches, cap = old ? 2 * old : 64;
    q->batches = realloc(q->batches, cap * sizeof(*q->batches));
    xbt_assert(q->batches, "out of memory");
    for (size_t i = old; i < cap; i++)
      q->batches[i].next_free = i + 1 < cap ? i + 1 : NO_BATCH;
    q->free_batch = old;
    q->n_batches = cap;
  }
  size_t id = q->free_batch;
  q->free_batch = q->batches[id].next_free;
  return id;
}

static void batch_release(struct da_quorum *q, size_t id)
{
  q->batches[id].next_free = q->free_batch;
  q->free_batch = id;
}

/* ---------------------------------------------------------------- node timelines */

/* When rows of `bytes` that leave the hub now are written on n's provider (verified, for a
 * node that does not store); advances the provider's FIFOs. */
static double node_written_at(struct da_node *n, double bytes, double now)
{
  struct da *d = n->da;
  const struct provider *p = &d->world->providers[n->provider];
  struct da_host *h = &d->hosts[n->provider];
  if (h->downs != p->downs) /* what was queued died with the provider's host */
    *h = (struct da_host){.downs = p->downs};
  h->down_free_at = fmax(now + n->hub_latency_s, h->down_free_at) + bytes / n->hub_Bps;
  h->cpu_free_at = fmax(h->down_free_at, h->cpu_free_at) + da_verify_seconds(p, bytes);
  if (!n->stores)
    return h->cpu_free_at;
  h->disk_free_at = fmax(h->cpu_free_at, h->disk_free_at) + bytes / d->conf->write_bandwidth_Bps;
  return h->disk_free_at;
}

static void send_rows(struct da_quorum *q, struct da_node *n, size_t a, size_t b, double now)
{
  struct da *d = q->da;
  double bytes = (double)(b - a) * (double)n->slots * d->row_bytes;
  size_t id = batch_new(q);
  struct da_batch *bt = &q->batches[id];
  *bt = (struct da_batch){.node = (size_t)(n - d->nodes), .a = a, .b = b,
                          .written_at = node_written_at(n, bytes, now),
                          .provider = n->provider,
                          .downs = d->world->providers[n->provider].downs};
  double share_at = bt->written_at + n->hub_latency_s + DA_SHARE_BYTES / n->hub_Bps;
  pqueue_push(q->shares, share_at, id);
  d->flows += 2; /* the rows and the share */
}

static void dispatch(struct da_quorum *q)
{
  struct da *d = q->da;
  double now = simgrid_get_clock();
  da_signers_follow(d, q);
  for (size_t i = 0; i < q->n_nodes; i++) {
    struct da_node *n = &d->nodes[q->nodes[i]];
    if (n->next_blob >= q->dispersed)
      continue;
    size_t a = n->next_blob, b = q->dispersed;
    double rows = (double)(b - a) * (double)n->slots;
    n->next_blob = b;
    n->rows_owed += rows;
    if (sg_host_is_on(d->world->providers[n->provider].host))
      send_rows(q, n, a, b, now);
    else
      n->rows_lost += rows; /* the node never gets them */
  }
  pacer_take(&q->dispatches, now);
  q->waiting = false;
}

/* Records an upload's blobs as dispersed to the quorum's nodes from now on. */
static void take_upload(struct da_quorum *q, struct da_upload *u)
{
  for (size_t i = 0; i < u->n_batches; i++) {
    *(struct da_entry *)ring_push_back(&q->entries) =
      (struct da_entry){.first = q->dispersed, .count = u->batches[i].count,
                        .arrival = u->batches[i].arrival, .uploaded_at = simgrid_get_clock(),
                        .lane = u->lane};
    q->dispersed += (size_t)llround(u->batches[i].count);
  }
  da_upload_free(u);
}

/* Uploads arrive at the hub; rows leave it paced, about once a dispersal_interval under load:
 * when the pacer says wait, the quorum's clock dispatches what has arrived by its turn. */
void da_dispatcher_actor(int argc, char **argv)
{
  struct da_quorum *q = actors_state(argc, argv);
  sg_mailbox_set_receiver(sg_mailbox_get_name(q->uploads));
  for (;;) {
    void *msg = actors_receive(q->uploads);
    if (!msg || da_upload_is_extra_stream(msg))
      continue;
    take_upload(q, msg);
    q->waiting = true;
    if (pacer_wait(&q->dispatches, simgrid_get_clock()) == 0)
      dispatch(q);
  }
}

/* ---------------------------------------------------------------- aggregation */

/* The clock never sleeps less than this: SimGrid ends shorter activities without moving its
 * clock (its timing precision), and a share due that close would wake it forever. */
#define CLOCK_MIN_SLEEP_S 1e-6
/* Nor longer than a dispersal interval, or this when the interval is 0. */
#define CLOCK_LONGEST_NAP_S 0.01
/* Retries are looked for once a second. */
#define CLOCK_TICK_S 1.0

static void drop_head_entry_if_empty(struct da_quorum *q)
{
  if (((struct da_entry *)ring_at(&q->entries, 0))->count < 0.5)
    ring_pop_front(&q->entries);
}

/* Accepts, at time `at`, what the frontier passed, entry by entry. */
static void advance(struct da_quorum *q, double at)
{
  size_t n = frontier_advance(q->frontier, q->dispersed);
  while (n > 0) {
    struct da_entry *e = ring_at(&q->entries, 0);
    double take = fmin(e->count, (double)n);
    da_record_acceptance(q, e->arrival, take, at);
    e->count -= take;
    e->first += (size_t)take;
    n -= (size_t)take;
    drop_head_entry_if_empty(q);
  }
}

/* Blobs uploaded retry_timeout ago and still short of the threshold are retried. */
static void expire(struct da_quorum *q)
{
  double now = simgrid_get_clock(), cutoff = now - q->da->conf->retry_timeout_s;
  while (q->entries.size > 0) {
    struct da_entry *e = ring_at(&q->entries, 0);
    if (e->uploaded_at > cutoff || frontier_position(q->frontier) >= q->dispersed)
      break;
    frontier_skip(q->frontier);
    da_retry(q->da, e->lane, e->arrival);
    e->count -= 1;
    e->first += 1;
    drop_head_entry_if_empty(q);
    advance(q, now);
  }
}

/* When p's host went down after the batch left the hub and by `t` (a failure, or its operator
 * leaving the network); +inf if it did not. */
static double failed_by(const struct provider *p, const struct da_batch *bt, double t)
{
  if (p->downs == bt->downs)
    return INFINITY;
  if (p->downs - bt->downs > 1)
    return -INFINITY; /* twice within one batch's life: counted as lost (see above) */
  return p->down_since <= t ? p->down_since : INFINITY;
}

/* A batch's share reached the hub at share_at: the node's rows are written (or lost with it),
 * and its share counts towards the blobs' threshold. */
static void settle(struct da_quorum *q, const struct da_batch *bt, double share_at)
{
  struct da *d = q->da;
  struct da_node *n = &d->nodes[bt->node];
  double rows = (double)(bt->b - bt->a) * (double)n->slots;
  double failed_at = failed_by(&d->world->providers[bt->provider], bt, share_at);
  if (failed_at <= bt->written_at) {
    n->rows_lost += rows;
    return;
  }
  if (!n->stores) {
    n->rows_dropped += rows;
  } else {
    n->rows_stored += rows;
    if (metrics_in_window(d->world->metrics, bt->written_at))
      n->bytes_written_in_window += rows * d->row_bytes;
  }
  if (failed_at <= share_at)
    return; /* the share went down with its node */
  frontier_cover(q->frontier, bt->a, bt->b, n->slots);
  advance(q, share_at);
}

void da_hub_settle(struct da_quorum *q, double now)
{
  while (pqueue_size(q->shares) > 0 && pqueue_top(q->shares).key <= now) {
    struct pqueue_item share = pqueue_pop(q->shares);
    settle(q, &q->batches[share.id], share.key);
    batch_release(q, (size_t)share.id);
  }
}

/* The next wake-up: the next tick, or earlier when uploads wait and a dispatch may go, or
 * shares are due and a publication may go; at most a dispersal interval (CLOCK_LONGEST_NAP_S
 * when that is 0) from now: uploads and dispatches while the clock sleeps may need it before
 * the wake-up it chose. */
static double next_wake(const struct da_quorum *q, double now, double next_tick)
{
  double interval = q->da->conf->dispersal_interval_s;
  double wake = fmin(next_tick, now + (interval > 0 ? interval : CLOCK_LONGEST_NAP_S));
  if (q->waiting)
    wake = fmin(wake, now + pacer_wait(&q->dispatches, now));
  if (pqueue_size(q->shares) == 0)
    return wake;
  double publish_at = now + pacer_wait(&q->publications, now);
  return fmin(wake, fmax(pqueue_top(q->shares).key, publish_at));
}


/* The quorum's clock: due shares, dispatches the pacer held back, publications (paced like
 * dispatches), retries. */
void da_hub_clock_actor(int argc, char **argv)
{
  struct da_quorum *q = actors_state(argc, argv);
  double next_tick = CLOCK_TICK_S;
  for (;;) {
    double now = simgrid_get_clock();
    sg_actor_sleep_until(fmax(next_wake(q, now, next_tick), now + CLOCK_MIN_SLEEP_S));
    now = simgrid_get_clock();
    da_hub_settle(q, now);
    if (q->waiting && pacer_wait(&q->dispatches, now) == 0)
      dispatch(q);
    if (now >= next_tick - 1e-12) {
      next_tick += CLOCK_TICK_S;
      expire(q);
    }
    if (q->unpublished > 0 && pacer_wait(&q->publications, now) == 0) {
      da_publish(q);
      pacer_take(&q->publications, now);
    }
  }
}
