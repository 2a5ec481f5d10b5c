/* gossip.c: the event-driven spread of one message over an overlay (model in gossip.h).
 *
 * The spread is its own discrete-event simulation: a binary heap of arrivals and upload
 * completions, processed in time order (ties in the order they were scheduled, so a seed
 * gives one result). Uploads wait in a FIFO per connection (shared uplink) or per node
 * (serial); the uploads at the heads are served together, each at its max-min share of the
 * node's uplink, and a node's next completion is one event that a change of its active set
 * replaces (a version number makes the old one stale). */
#include "sim/engine/gossip.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

#include "sim/base/mem.h"


/* What an event is: a message arriving at a node, or a node's next upload completion. */
enum kind { ARR_WHOLE, ARR_SKETCH, ARR_TXN, ARR_PART, ARR_INV, ARR_GETDATA, ARR_GETTXN,
            EV_CHECKED, EV_UPLOAD_DONE, EV_UPLINK_FREE };

struct event {
  double time;
  size_t at;     /* arrivals: the receiver's entry of the connection; else the node */
  uint32_t seq;  /* ties in scheduling order (restarts each spread: the heap is empty then) */
  uint32_t node; /* the receiver (arrivals) or the node: no lookup that misses the cache */
  unsigned kind; /* enum kind */
  unsigned aux;  /* ARR_PART: the part; EV_UPLOAD_DONE: the version */
};

struct upload {
  size_t entry;  /* the sender's entry of the connection */
  double left;   /* bytes still to send */
  double rate;   /* while active */
  double bytes;
  unsigned kind, part;
  int next;      /* the next upload in the same queue, -1 at the tail */
};

struct queue {
  int head, tail;
};

/* Busy periods of an uplink remembered across spreads: the closest ones are merged beyond
 * this many (a merged period keeps its busy time, spread evenly over its span). */
#define GOSSIP_BOOKED_PERIODS 8

/* An uplink was busy for `busy` seconds within [start, end), for the spread that booked it. */
struct period {
  double start, end, busy;
  uint32_t spread;
};

/* The busy time of p after t (evenly spread over p's span once periods were merged). */
static double busy_after(const struct period *p, double t)
{
  if (t <= p->start)
    return p->busy;
  if (t >= p->end)
    return 0;
  return p->busy * (p->end - t) / (p->end - p->start);
}

struct uplink {
  int *active;          /* uploads being served */
  unsigned n_active, cap_active;
  double last;          /* served up to this time; nothing is served before it */
  unsigned version;
  struct queue serial;  /* the node's queue when the uplink is serial */
  bool held;            /* serial: a sent message has not arrived yet */
  bool busy;            /* in a busy period (sending, or serial and held) */
  double busy_since;    /* when its current busy period began */
  struct period booked[GOSSIP_BOOKED_PERIODS]; /* its busy periods, by start */
  unsigned n_booked;
  uint32_t woken_in;    /* the spread it last woke in, and the booked time it waited for */
  double waited;
};

struct gossip {
  const struct overlay *o;
  struct gossip_conf conf;
  gsl_rng *rng;
  bool *compact_node;
  struct uplink *uplinks;      /* per node */
  struct queue *conn_queue;    /* per entry, when the uplink is shared */
  struct upload *uploads;      /* pool */
  int n_uploads, cap_uploads, free_upload;
  int *done;                   /* scratch for upload_done */
  unsigned cap_done;
  struct event *heap;
  size_t heap_size, heap_cap;
  uint32_t seq;
  uint32_t spread;             /* spreads so far: which one booked a busy period */
  /* the spread in progress */
  enum gossip_protocol protocol;
  const double *check_s;       /* per node, before it holds and relays a message; or NULL */
  unsigned char *checking;     /* the node has the message and is checking it */
  const bool *up;
  double *hold;
  unsigned char *requested;    /* announce, compact: a getdata is out */
  uint64_t *parts_held;        /* parts: a bit per part, per node */
  uint64_t *parts_sent;        /* parts: per entry, the parts sent on that connection */
  unsigned char *conn_busy;    /* parts: per entry, a part is on its way */
  unsigned char *parts_count;
  unsigned n_parts;
  double bytes, part_bytes, sketch_bytes;
  struct gossip_totals totals;
};

/* ---- the event heap ---- */

static bool earlier(const struct event *a, const struct event *b)
{
  return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void schedule_at(struct gossip *g, double time, size_t at, unsigned kind, unsigned aux,
                        uint32_t node)
{
  if (g->heap_size == g->heap_cap) {
    g->heap_cap = g->heap_cap ? 2 * g->heap_cap : 1024;
    g->heap = realloc(g->heap, g->heap_cap * sizeof(*g->heap));
    xbt_assert(g->heap, "out of memory");
  }
  struct event e = {.time = time, .at = at, .seq = g->seq++, .node = node, .kind = kind,
                    .aux = aux};
  size_t i = g->heap_size++;
  while (i > 0 && earlier(&e, &g->heap[(i - 1) / 2])) {
    g->heap[i] = g->heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  g->heap[i] = e;
}

/* A node's own event (an upload completion, its uplink freed): `at` is the node. */
static void schedule(struct gossip *g, double time, size_t at, unsigned kind, unsigned aux)
{
  schedule_at(g, time, at, kind, aux, (uint32_t)at);
}

/* A message arriving over the sender's connection entry: at the receiver's entry, and the
 * receiver itself (the sender's peer). */
static void schedule_arrival(struct gossip *g, double time, size_t sender_entry, unsigned kind,
                             unsigned aux)
{
  schedule_at(g, time, g->o->reverse[sender_entry], kind, aux, g->o->peer[sender_entry]);
}

static struct event pop_event(struct gossip *g)
{
  struct event top = g->heap[0], last = g->heap[--g->heap_size];
  size_t i = 0;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= g->heap_size)
      break;
    if (child + 1 < g->heap_size && earlier(&g->heap[child + 1], &g->heap[child]))
      child++;
    if (!earlier(&g->heap[child], &last))
      break;
    g->heap[i] = g->heap[child];
    i = child;
  }
  if (g->heap_size > 0)
    g->heap[i] = last;
  return top;
}

/* ---- uploads ---- */

static int upload_new(struct gossip *g, size_t entry, double bytes, unsigned kind, unsigned part)
{
  int id = g->free_upload;
  if (id >= 0) {
    g->free_upload = g->uploads[id].next;
  } else {
    if (g->n_uploads == g->cap_uploads) {
      g->cap_uploads = g->cap_uploads ? 2 * g->cap_uploads : 1024;
      g->uploads = realloc(g->uploads, (size_t)g->cap_uploads * sizeof(*g->uploads));
      xbt_assert(g->uploads, "out of memory");
    }
    id = g->n_uploads++;
  }
  g->uploads[id] = (struct upload){.entry = entry, .left = bytes, .bytes = bytes, .kind = kind,
                                   .part = part, .next = -1};
  return id;
}

static void upload_release(struct gossip *g, int id)
{
  g->uploads[id].next = g->free_upload;
  g->free_upload = id;
}

static struct queue *queue_of(struct gossip *g, unsigned node, size_t entry)
{
  return g->conf.uplink == GOSSIP_UPLINK_SERIAL ? &g->uplinks[node].serial : &g->conn_queue[entry];
}

static unsigned receiver_of(const struct gossip *g, size_t entry)
{
  return g->o->peer[entry];
}

/* Whether an upload is no longer needed when its turn comes: the peer already holds what it
 * carries (flooded messages and parts only; requested data is always sent). */
static bool unneeded(const struct gossip *g, const struct upload *u)
{
  unsigned to = receiver_of(g, u->entry);
  return g->protocol == GOSSIP_FLOOD && u->kind == ARR_WHOLE &&
         (isfinite(g->hold[to]) || g->checking[to]);
}

/* Moves the served uploads of node forward to time t. */
static void advance(struct gossip *g, unsigned node, double t)
{
  struct uplink *l = &g->uplinks[node];
  if (t <= l->last)
    return;
  for (unsigned i = 0; i < l->n_active; i++) {
    struct upload *u = &g->uploads[l->active[i]];
    u->left = fmax(0, u->left - u->rate * (t - l->last));
  }
  l->last = t;
}

/* Max-min shares of the node's uplink among its active uploads, each capped by its route. */
static void share_uplink(struct gossip *g, unsigned node)
{
  struct uplink *l = &g->uplinks[node];
  for (unsigned i = 1; i < l->n_active; i++) { /* by route rate, ascending (short lists) */
    int id = l->active[i];
    double cap = g->o->rate_Bps[g->uploads[id].entry];
    unsigned j = i;
    for (; j > 0 && g->o->rate_Bps[g->uploads[l->active[j - 1]].entry] > cap; j--)
      l->active[j] = l->active[j - 1];
    l->active[j] = id;
  }
  double capacity = g->o->uplink_Bps[node];
  for (unsigned i = 0; i < l->n_active; i++) {
    struct upload *u = &g->uploads[l->active[i]];
    double share = capacity / (l->n_active - i);
    u->rate = fmin(fmin(g->o->rate_Bps[u->entry], g->conf.connection_Bps), share);
    if (isfinite(capacity))
      capacity -= u->rate;
  }
}

/* An idle uplink gets an upload at t. Spreads are computed one after another, so earlier
 * spreads may have booked this uplink after t: the new upload waits for the busy time they
 * booked after t (not for the idle gaps between), as if their uploads went first; time waited
 * for once in a spread is not waited for again in it. */
static void wake(struct gossip *g, unsigned node, double t)
{
  struct uplink *l = &g->uplinks[node];
  if (l->busy)
    return;
  l->busy = true;
  if (l->woken_in != g->spread) {
    l->woken_in = g->spread;
    l->waited = 0;
  }
  double booked = 0;
  for (unsigned i = 0; i < l->n_booked; i++)
    if (l->booked[i].spread != g->spread)
      booked += busy_after(&l->booked[i], t);
  double wait = fmax(0, booked - l->waited);
  l->waited += wait;
  l->last = t + wait;
  l->busy_since = l->last;
}

/* Merges the two neighbouring periods with the smallest gap, of one spread where there are
 * such (the merged period keeps the earlier spread's number). */
static void merge_closest(struct uplink *l)
{
  unsigned best = 0;
  double best_gap = INFINITY;
  for (int same = 1; same >= 0 && !isfinite(best_gap); same--)
    for (unsigned i = 0; i + 1 < l->n_booked; i++) {
      double gap = l->booked[i + 1].start - l->booked[i].end;
      if ((!same || l->booked[i].spread == l->booked[i + 1].spread) && gap < best_gap) {
        best_gap = gap;
        best = i;
      }
    }
  struct period *a = &l->booked[best], *b = &l->booked[best + 1];
  a->end = fmax(a->end, b->end);
  a->busy += b->busy;
  a->spread = a->spread < b->spread ? a->spread : b->spread;
  memmove(b, b + 1, (l->n_booked - best - 2) * sizeof(*b));
  l->n_booked--;
}

/* The uplink has nothing left to send at t: its busy period is remembered, in start order. */
static void rest(struct gossip *g, unsigned node, double t)
{
  struct uplink *l = &g->uplinks[node];
  if (!l->busy)
    return;
  l->busy = false;
  if (t <= l->busy_since)
    return;
  if (l->n_booked == GOSSIP_BOOKED_PERIODS)
    merge_closest(l);
  unsigned i = l->n_booked++;
  for (; i > 0 && l->booked[i - 1].start > l->busy_since; i--)
    l->booked[i] = l->booked[i - 1];
  l->booked[i] = (struct period){.start = l->busy_since, .end = t, .busy = t - l->busy_since,
                                 .spread = g->spread};
}

/* Schedules the node's next completion (replacing the one scheduled before). */
static void reschedule(struct gossip *g, unsigned node)
{
  struct uplink *l = &g->uplinks[node];
  l->version++;
  if (l->n_active == 0) {
    if (!l->held)
      rest(g, node, l->last);
    return;
  }
  share_uplink(g, node);
  double next = INFINITY;
  for (unsigned i = 0; i < l->n_active; i++) {
    const struct upload *u = &g->uploads[l->active[i]];
    next = fmin(next, u->left > 0 ? l->last + u->left / u->rate : l->last);
  }
  schedule(g, next, node, EV_UPLOAD_DONE, l->version);
}

/* Upload id joins the node's uploads being served at t. */
static void serve(struct gossip *g, unsigned node, int id, double t)
{
  struct uplink *l = &g->uplinks[node];
  wake(g, node, t);
  if (l->n_active == l->cap_active) {
    l->cap_active = l->cap_active ? 2 * l->cap_active : 8;
    l->active = realloc(l->active, l->cap_active * sizeof(int));
    xbt_assert(l->active, "out of memory");
  }
  l->active[l->n_active++] = id;
}

/* Serves the queue's head, skipping uploads no longer needed; returns whether one started. */
static bool start_head(struct gossip *g, unsigned node, struct queue *q, double t)
{
  while (q->head >= 0) {
    int id = q->head;
    if (!unneeded(g, &g->uploads[id])) {
      serve(g, node, id, t);
      return true;
    }
    q->head = g->uploads[id].next;
    if (q->head < 0)
      q->tail = -1;
    upload_release(g, id);
  }
  return false;
}

/* Queues bytes for the peer at the sender's entry; a queue that was idle starts at once. */
static void send_data(struct gossip *g, unsigned node, size_t entry, double bytes, unsigned kind,
                      unsigned part, double t)
{
  struct queue *q = queue_of(g, node, entry);
  int id = upload_new(g, entry, bytes, kind, part);
  if (q->tail >= 0) {
    g->uploads[q->tail].next = id;
    q->tail = id;
    return;
  }
  q->head = q->tail = id;
  advance(g, node, t);
  if (start_head(g, node, q, t))
    reschedule(g, node);
}

static void send_control(struct gossip *g, size_t entry, unsigned kind, double t)
{
  const struct overlay *o = g->o;
  double rate = fmin(o->rate_Bps[entry], g->conf.connection_Bps);
  double arrival = t + o->latency_s[entry] + GOSSIP_CONTROL_BYTES / rate +
                   g->conf.processing_s;
  g->totals.control_bytes += GOSSIP_CONTROL_BYTES;
  schedule_arrival(g, arrival, entry, kind, 0);
}

static void start_part(struct gossip *g, unsigned node, size_t entry, double t);

/* Drops the queue's finished head and starts the next upload. */
static void next_in_queue(struct gossip *g, unsigned node, struct queue *q, double t)
{
  int id = q->head;
  q->head = g->uploads[id].next;
  if (q->head < 0)
    q->tail = -1;
  upload_release(g, id);
  start_head(g, node, q, t);
}

/* Completes the uploads of node that are done at t and starts what their queues hold next. */
static void upload_done(struct gossip *g, unsigned node, unsigned version, double t)
{
  struct uplink *l = &g->uplinks[node];
  if (version != l->version)
    return;
  advance(g, node, t);
  unsigned kept = 0, n = l->n_active, n_done = 0;
  if (n > g->cap_done) {
    g->cap_done = 2 * n;
    g->done = realloc(g->done, g->cap_done * sizeof(int));
    xbt_assert(g->done, "out of memory");
  }
  int *done = g->done;
  for (unsigned i = 0; i < n; i++) {
    int id = l->active[i];
    const struct upload *u = &g->uploads[id];
    /* Done when nothing is left, or so little that its finish time rounds to now (else the
     * completion would be scheduled at now again, forever). */
    if (u->left <= 1e-9 * u->bytes + 1e-9 || l->last + u->left / u->rate <= t)
      done[n_done++] = id;
    else
      l->active[kept++] = id;
  }
  l->n_active = kept;
  for (unsigned i = 0; i < n_done; i++) {
    struct upload *u = &g->uploads[done[i]];
    double arrival = t + g->o->latency_s[u->entry] + g->conf.processing_s;
    g->totals.payload_bytes += u->bytes;
    schedule_arrival(g, arrival, u->entry, u->kind, u->part);
    if (u->kind == ARR_PART) {
      size_t entry = u->entry;
      g->conn_busy[entry] = 0;
      upload_release(g, done[i]);
      start_part(g, node, entry, t);
    } else if (g->conf.uplink == GOSSIP_UPLINK_SERIAL) { /* the head stays until arrived */
      l->held = true;
      schedule(g, arrival, node, EV_UPLINK_FREE, 0);
    } else {
      next_in_queue(g, node, queue_of(g, node, u->entry), t);
    }
  }
  reschedule(g, node);
}

/* A serial uplink's message has arrived: the next one starts. */
static void uplink_free(struct gossip *g, unsigned node, double t)
{
  advance(g, node, t);
  g->uplinks[node].held = false;
  next_in_queue(g, node, &g->uplinks[node].serial, t);
  reschedule(g, node);
}

/* ---- the protocols ---- */

/* Node comes to hold the whole message at t (from the peer at entry `from`, or SIZE_MAX at
 * the origin) and offers it on. */
static void deliver(struct gossip *g, unsigned node, size_t from, double t)
{
  const struct overlay *o = g->o;
  g->hold[node] = t;
  if (g->protocol == GOSSIP_PARTS)
    return;
  for (size_t e = o->first[node]; e < o->first[node + 1]; e++) {
    unsigned peer = o->peer[e];
    if (e == from || !g->up[peer] || isfinite(g->hold[peer]) || g->checking[peer])
      continue;
    if (g->protocol == GOSSIP_FLOOD)
      send_data(g, node, e, g->bytes, ARR_WHOLE, 0, t);
    else if (g->requested[peer]) /* it ignores the inv: count its bytes, skip its event */
      g->totals.control_bytes += GOSSIP_CONTROL_BYTES;
    else
      send_control(g, e, ARR_INV, t);
  }
}

/* The k-th set bit of x (k < popcount(x)). */
static unsigned nth_bit(uint64_t x, unsigned k)
{
  for (; k > 0; k--)
    x &= x - 1;
  return (unsigned)__builtin_ctzll(x);
}

/* An idle connection of node picks a part the peer lacks and it has not sent there yet, at
 * random (CometBFT's gossipDataRoutine: PickRandom over the peer's missing parts), and starts
 * it; the caller reschedules the node's uplink. */
static void start_part(struct gossip *g, unsigned node, size_t entry, double t)
{
  unsigned peer = receiver_of(g, entry);
  if (g->conn_busy[entry] || !g->up[peer])
    return;
  uint64_t candidates = g->parts_held[node] & ~g->parts_held[peer] & ~g->parts_sent[entry];
  if (!candidates)
    return;
  unsigned n = (unsigned)__builtin_popcountll(candidates);
  unsigned part = nth_bit(candidates, (unsigned)gsl_rng_uniform_int(g->rng, n));
  g->parts_sent[entry] |= (uint64_t)1 << part;
  g->conn_busy[entry] = 1;
  serve(g, node, upload_new(g, entry, g->part_bytes, ARR_PART, part), t);
}

/* Node has a new part (or, at the origin, all of them): its idle connections start. */
static void offer_parts(struct gossip *g, unsigned node, double t)
{
  const struct overlay *o = g->o;
  advance(g, node, t);
  for (size_t e = o->first[node]; e < o->first[node + 1]; e++)
    start_part(g, node, e, t);
  reschedule(g, node);
}

static void receive_part(struct gossip *g, unsigned node, size_t from, unsigned part, double t)
{
  if ((g->parts_held[node] >> part) & 1) {
    g->totals.duplicate_bytes += g->part_bytes;
    return;
  }
  g->parts_held[node] |= (uint64_t)1 << part;
  if (++g->parts_count[node] == g->n_parts)
    deliver(g, node, from, t);
  offer_parts(g, node, t);
}

static double arrival_bytes(const struct gossip *g, unsigned kind)
{
  switch (kind) {
  case ARR_SKETCH: return g->sketch_bytes;
  case ARR_TXN: return g->conf.miss_fraction * g->bytes;
  case ARR_PART: return g->part_bytes;
  default: return g->bytes;
  }
}

/* A getdata reached the holder: the sketch between two compact nodes, else the message. */
static void answer_getdata(struct gossip *g, unsigned holder, size_t entry, double t)
{
  if (g->protocol == GOSSIP_COMPACT && g->compact_node[holder] &&
      g->compact_node[receiver_of(g, entry)])
    send_data(g, holder, entry, g->sketch_bytes, ARR_SKETCH, 0, t);
  else
    send_data(g, holder, entry, g->bytes, ARR_WHOLE, 0, t);
}

static void arrive(struct gossip *g, const struct event *ev)
{
  unsigned node = ev->node;
  double t = ev->time;
  switch (ev->kind) {
  case ARR_PART:
    receive_part(g, node, ev->at, ev->aux, t);
    return;
  case ARR_INV:
    if (!isfinite(g->hold[node]) && !g->requested[node]) {
      g->requested[node] = 1;
      send_control(g, ev->at, ARR_GETDATA, t);
    }
    return;
  case ARR_GETDATA:
    answer_getdata(g, node, ev->at, t);
    return;
  case ARR_GETTXN:
    send_data(g, node, ev->at, g->conf.miss_fraction * g->bytes, ARR_TXN, 0, t);
    return;
  default:
    break;
  }
  if (ev->kind == EV_CHECKED) {
    deliver(g, node, ev->at, t);
    return;
  }
  if (isfinite(g->hold[node]) || g->checking[node]) {
    g->totals.duplicate_bytes += arrival_bytes(g, ev->kind);
    return;
  }
  if (ev->kind == ARR_SKETCH && gsl_rng_uniform(g->rng) < g->conf.miss_share) {
    send_control(g, ev->at, ARR_GETTXN, t);
  } else if (g->check_s && g->check_s[node] > 0) { /* holds and relays it once checked */
    g->checking[node] = 1;
    schedule_at(g, t + g->check_s[node], ev->at, EV_CHECKED, 0, node);
  } else {
    deliver(g, node, ev->at, t);
  }
}

/* ---- the instance ---- */

gossip_t *gossip_new(const struct overlay *o, const struct gossip_conf *c, gsl_rng *rng)
{
  struct gossip *g = mem_calloc(1, sizeof(*g));
  size_t entries = o->first[o->n];
  *g = (struct gossip){.o = o, .conf = *c, .rng = rng, .free_upload = -1};
  g->compact_node = mem_calloc(o->n, sizeof(bool));
  g->uplinks = mem_calloc(o->n, sizeof(*g->uplinks));
  g->conn_queue = mem_calloc(entries, sizeof(*g->conn_queue));
  g->requested = mem_calloc(o->n, 1);
  g->checking = mem_calloc(o->n, 1);
  g->parts_held = mem_calloc(o->n, sizeof(uint64_t));
  g->parts_sent = mem_calloc(entries, sizeof(uint64_t));
  g->conn_busy = mem_calloc(entries, 1);
  g->parts_count = mem_calloc(o->n, 1);
  for (unsigned i = 0; i < o->n; i++) {
    g->compact_node[i] = c->protocol == GOSSIP_COMPACT && gsl_rng_uniform(rng) < c->compact_nodes;
    g->uplinks[i].serial = (struct queue){-1, -1};
    g->uplinks[i].last = -INFINITY;
  }
  for (size_t e = 0; e < entries; e++)
    g->conn_queue[e] = (struct queue){-1, -1};
  return g;
}

void gossip_free(gossip_t *g)
{
  if (!g)
    return;
  for (unsigned i = 0; i < g->o->n; i++)
    free(g->uplinks[i].active);
  free(g->uplinks);
  free(g->conn_queue);
  free(g->compact_node);
  free(g->requested);
  free(g->checking);
  free(g->parts_held);
  free(g->parts_sent);
  free(g->conn_busy);
  free(g->parts_count);
  free(g->uploads);
  free(g->heap);
  free(g->done);
  free(g);
}

/* Parts of the message as simulated: at most GOSSIP_MAX_PARTS messages, all of one size. */
static void cut_parts(struct gossip *g)
{
  double real = fmax(1, ceil(g->bytes / g->conf.part_bytes));
  g->n_parts = (unsigned)fmin(real, GOSSIP_MAX_PARTS);
  g->part_bytes = g->bytes / g->n_parts;
}

void gossip_spread(gossip_t *g, unsigned origin, double t0, double bytes, double n_tx,
                   const bool *up, double *hold)
{
  gossip_spread_checked(g, g->conf.protocol, NULL, origin, t0, bytes, n_tx, up, hold);
}

void gossip_spread_checked(gossip_t *g, enum gossip_protocol protocol, const double *check_s,
                           unsigned origin, double t0, double bytes, double n_tx,
                           const bool *up, double *hold)
{
  const struct overlay *o = g->o;
  xbt_assert(origin < o->n && up[origin], "gossip from node %u, which is not up", origin);
  xbt_assert(!check_s || protocol != GOSSIP_PARTS, "parts are relayed before any check");
  g->protocol = protocol;
  g->check_s = check_s;
  g->seq = 0; /* the heap is empty between spreads */
  g->spread++;
  memset(g->checking, 0, o->n);
  g->up = up;
  g->hold = hold;
  g->bytes = bytes;
  g->sketch_bytes = g->conf.sketch_bytes > 0 ? g->conf.sketch_bytes
                                             : GOSSIP_SKETCH_HEADER_BYTES +
                                                 GOSSIP_SKETCH_BYTES_PER_TX * n_tx;
  for (unsigned i = 0; i < o->n; i++)
    hold[i] = INFINITY;
  memset(g->requested, 0, o->n);
  g->totals.spreads++;
  if (g->protocol == GOSSIP_PARTS) {
    memset(g->parts_held, 0, o->n * sizeof(uint64_t));
    memset(g->parts_sent, 0, o->first[o->n] * sizeof(uint64_t));
    memset(g->parts_count, 0, o->n);
    cut_parts(g);
    g->parts_held[origin] = g->n_parts == 64 ? UINT64_MAX : (((uint64_t)1 << g->n_parts) - 1);
    g->parts_count[origin] = (unsigned char)g->n_parts;
    hold[origin] = t0;
    offer_parts(g, origin, t0);
  } else {
    deliver(g, origin, SIZE_MAX, t0);
  }
  while (g->heap_size > 0) {
    struct event ev = pop_event(g);
    g->totals.events++;
    if (ev.kind == EV_UPLOAD_DONE)
      upload_done(g, (unsigned)ev.at, ev.aux, ev.time);
    else if (ev.kind == EV_UPLINK_FREE)
      uplink_free(g, (unsigned)ev.at, ev.time);
    else
      arrive(g, &ev);
  }
}

const struct gossip_totals *gossip_totals(const gossip_t *g)
{
  return &g->totals;
}

double gossip_reach(const double *sorted_hold, size_t eligible, double t0, double share)
{
  size_t need = (size_t)ceil(share * (double)eligible - 1e-9);
  if (need == 0)
    need = 1;
  if (need > eligible || !isfinite(sorted_hold[need - 1]))
    return -1;
  return sorted_hold[need - 1] - t0;
}
