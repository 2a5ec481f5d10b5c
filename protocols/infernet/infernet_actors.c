/* infernet_actors.c: the infernet layer's actors (model in infernet.h).
 *
 * On the control host: the consumers, who submit subscriptions as transactions, and the chain
 * watcher, which finds when subscriptions and deliveries committed (ledger_ticket_committed_at,
 * every INFERNET_CHAIN_POLL_S) and plays the Coordinator: it hands a committed subscription to
 * the nodes that serve it, each at its own listener's next poll, and accepts or reverts
 * deliveries in commit order. On each Infernet node: its processor, which runs the intervals
 * it holds once they are due, each container in an actor of its own on the node's host (they
 * share its device), which submits the delivery when it is done. */
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/infernet/infernet_state.h"
#include "protocols/token/token_layer.h"

/* Grows an array of elements of size `size` to hold one more. */
static void *grow(void *array, size_t n, size_t *cap, size_t size)
{
  if (n < *cap)
    return array;
  *cap = *cap ? 2 * *cap : 64;
  array = realloc(array, *cap * size);
  xbt_assert(array, "out of memory");
  return array;
}

static bool in_window(const struct infernet *in, double t)
{
  return metrics_in_window(in->world->metrics, t);
}

/* ---------------------------------------------------------------- consumers */

static void submit_subscription(struct infernet *in, size_t cls)
{
  const struct infernet_sub_conf *s = &in->conf->subs[cls];
  double now = simgrid_get_clock(), bytes = infernet_request_bytes(s);
  in->subs = grow(in->subs, in->n_subs, &in->cap_subs, sizeof(*in->subs));
  in->waiting = grow(in->waiting, in->n_waiting, &in->cap_waiting, sizeof(*in->waiting));
  size_t id = in->n_subs++;
  in->subs[id] = (struct infernet_sub){
    .cls = cls, .first_node = id % in->n_nodes, .submitted_at = now, .created_at = -1,
    .ticket = ledger_submit(in->ledger, 1, bytes)};
  in->waiting[in->n_waiting++] = id;
  if (in_window(in, now)) {
    in->request_tx++;
    in->request_bytes += bytes;
  }
}

/* Each tick, the subscriptions that arrived for each class (up to its count) go on chain. */
void infernet_consumer_actor(int argc, char **argv)
{
  struct infernet *in = actors_state(argc, argv);
  const struct infernet_conf *c = in->conf;
  double tick = 0.05;
  for (size_t i = 0; i < c->n_subs; i++)
    tick = fmin(tick, 0.1 / c->subs[i].rate_per_s);
  for (;;) {
    sg_actor_sleep_for(tick);
    double now = simgrid_get_clock();
    for (size_t i = 0; i < c->n_subs; i++) {
      arrivals_fill(in->arrivals[i], now);
      double waiting = floor(arrivals_backlog(in->arrivals[i]) + 1e-9);
      waiting = fmin(waiting, c->subs[i].count - in->created[i]);
      if (waiting < 1)
        continue;
      size_t n = 0;
      arrivals_take(in->arrivals[i], waiting, &in->taken, &n, &in->cap_taken);
      for (double k = 0; k < waiting; k++)
        submit_subscription(in, i);
      in->created[i] += waiting;
    }
  }
}

/* ---------------------------------------------------------------- the chain watcher */

/* A committed subscription goes to each node of its serving window: interval 1, due when the
 * node's listener has seen it and the interval has started. */
static void hand_to_nodes(struct infernet *in, size_t id)
{
  const struct infernet_conf *c = in->conf;
  struct infernet_sub *sub = &in->subs[id];
  const struct infernet_sub_conf *s = &c->subs[sub->cls];
  double visible = sub->created_at + (double)c->trail_blocks * c->block_time_s;
  double start = infernet_interval_start(sub->created_at, s->period_s, 1);
  for (long j = 0; j < s->serving; j++) {
    struct infernet_node *n = &in->nodes[(sub->first_node + (size_t)j) % in->n_nodes];
    double seen = infernet_next_poll(n->watch_phase, c->watch_interval_s, visible);
    pqueue_push(n->jobs, fmax(seen, start), infernet_job_id(id, 1));
  }
}

static void find_committed_subscriptions(struct infernet *in)
{
  size_t kept = 0;
  for (size_t i = 0; i < in->n_waiting; i++) {
    struct infernet_sub *sub = &in->subs[in->waiting[i]];
    double at = ledger_ticket_committed_at(in->ledger, sub->ticket);
    if (at < 0) {
      in->waiting[kept++] = in->waiting[i];
      continue;
    }
    sub->created_at = at;
    if (in_window(in, at))
      hist_add(in->request_inclusion, at - sub->submitted_at, 1);
    hand_to_nodes(in, in->waiting[i]);
  }
  in->n_waiting = kept;
}

static int by_commit_time(const void *a, const void *b)
{
  const struct infernet_callback *x = a, *y = b;
  if (x->committed_at != y->committed_at)
    return x->committed_at < y->committed_at ? -1 : 1;
  return x->submitted_at < y->submitted_at ? -1 : x->submitted_at > y->submitted_at;
}

/* When an accepted delivery's interval began: the request's submission for a one-off, else
 * the interval's start. */
static double request_time(const struct infernet_sub *sub, const struct infernet_sub_conf *s,
                           long interval)
{
  if (s->frequency == 1 && s->period_s <= 0)
    return sub->submitted_at;
  return infernet_interval_start(sub->created_at, s->period_s, interval);
}

/* The node is paid, or slashed when the verifier rejects its proof. */
static void settle_payment(struct infernet *in, struct infernet_node *n,
                           const struct infernet_sub_conf *s, double t)
{
  struct token_state *tk = token_layer_state(in->world);
  bool counts = in_window(in, t);
  if (s->proof_s > 0 && gsl_rng_uniform(in->rng_proofs) < in->conf->invalid_proof_rate) {
    token_record_fault(tk, t, n->provider, TOKEN_FAULT_PROVEN);
    n->faults++;
    if (counts)
      in->invalid_proofs++;
    return;
  }
  double pay = s->fee_usd * (1 - in->conf->protocol_fee);
  if (pay > 0)
    token_record_payment(tk, t, n->provider, pay);
  n->earned_usd += pay;
  if (counts)
    in->fees_usd += s->fee_usd;
}

static void record_accepted(struct infernet *in, struct infernet_sub *sub,
                            const struct infernet_callback *cb)
{
  const struct infernet_conf *c = in->conf;
  const struct infernet_sub_conf *s = &c->subs[sub->cls];
  double t = cb->committed_at;
  if (!in_window(in, t))
    return;
  double latency = t - request_time(sub, s, cb->interval);
  bool one_off = s->frequency == 1 && s->period_s <= 0;
  /* alone on the node: a one-off waits for its request's inclusion, the trail, the listener's
   * poll and the processor's; a later interval only for the processor's; then the container,
   * the proof and the delivery's inclusion */
  double inclusion = one_off ? sub->created_at - sub->submitted_at : 0;
  double waits = c->process_interval_s / 2 +
                 (one_off ? c->watch_interval_s / 2 + (double)c->trail_blocks * c->block_time_s
                          : 0);
  double work = infernet_compute_seconds(in, in->nodes[cb->node].provider, s) + s->proof_s;
  double delivery = t - cb->submitted_at;
  struct infernet_class_stats *cs = &in->classes[sub->cls];
  hist_add(in->latency, latency, 1);
  hist_add(cs->latency, latency, 1);
  cs->accepted++;
  cs->no_queue_s += inclusion + waits + work + delivery;
  in->accepted++;
  in->no_queue_s += inclusion + waits + work + delivery;
  hist_add(in->no_queue, inclusion + waits + work + delivery, 1);
  if (!sub->counted) {
    sub->counted = true;
    in->requests++;
  }
}

/* The Coordinator's checks on one delivery, in commit order (deliverCompute). */
static void coordinate(struct infernet *in, const struct infernet_callback *cb)
{
  struct infernet_sub *sub = &in->subs[cb->sub];
  const struct infernet_sub_conf *s = &in->conf->subs[sub->cls];
  struct infernet_node *n = &in->nodes[cb->node];
  double t = cb->committed_at;
  bool counts = in_window(in, t);
  if (counts)
    hist_add(in->callback_inclusion, t - cb->submitted_at, 1);
  long current = infernet_current_interval(sub->created_at, s->period_s, t);
  if (current != sub->interval) {
    sub->interval = current;
    sub->accepted = 0;
    sub->counted = false;
  }
  if (cb->interval != current || current > s->frequency || sub->accepted >= s->redundancy) {
    n->reverted++; /* IntervalMismatch, SubscriptionCompleted, IntervalCompleted */
    if (counts)
      in->reverted++;
    return;
  }
  sub->accepted++;
  n->accepted++;
  record_accepted(in, sub, cb);
  settle_payment(in, n, s, t);
}

static void find_committed_callbacks(struct infernet *in)
{
  struct infernet_callback *done = malloc(in->n_callbacks * sizeof(*done));
  xbt_assert(done, "out of memory");
  size_t kept = 0, n_done = 0;
  for (size_t i = 0; i < in->n_callbacks; i++) {
    struct infernet_callback *cb = &in->callbacks[i];
    cb->committed_at = ledger_ticket_committed_at(in->ledger, cb->ticket);
    if (cb->committed_at < 0)
      in->callbacks[kept++] = *cb;
    else
      done[n_done++] = *cb;
  }
  in->n_callbacks = kept;
  qsort(done, n_done, sizeof(*done), by_commit_time); /* the Coordinator sees them in order */
  for (size_t i = 0; i < n_done; i++)
    coordinate(in, &done[i]);
  free(done);
}

void infernet_chain_actor(int argc, char **argv)
{
  struct infernet *in = actors_state(argc, argv);
  for (;;) {
    sg_actor_sleep_for(INFERNET_CHAIN_POLL_S);
    find_committed_subscriptions(in);
    if (in->n_callbacks > 0)
      find_committed_callbacks(in);
  }
}

/* ---------------------------------------------------------------- nodes */

double infernet_compute_seconds(const struct infernet *in, size_t provider,
                                const struct infernet_sub_conf *s)
{
  if (s->flops <= 0)
    return s->compute_s;
  const struct world *w = in->world;
  const struct provider *p = &w->providers[provider];
  return profile_compute_seconds(p->device, s->precision, s->flops,
                                 w->sc->classes[p->class_index].gpus_per_node,
                                 w->sc->efficiency);
}

/* Whether the node skips (sub, interval) when it takes it up: its redundancy is met on chain,
 * or the interval is over (the processor's completed and deadline checks). */
static bool already_done(const struct infernet *in, const struct infernet_sub *sub,
                         long interval, double now)
{
  const struct infernet_sub_conf *s = &in->conf->subs[sub->cls];
  if (infernet_current_interval(sub->created_at, s->period_s, now) != interval)
    return true;
  return sub->interval == interval && sub->accepted >= s->redundancy;
}

/* The node's next interval of the same subscription, due when it starts. */
static void queue_next(struct infernet_node *n, size_t id, long interval)
{
  const struct infernet_sub *sub = &n->in->subs[id];
  const struct infernet_sub_conf *s = &n->in->conf->subs[sub->cls];
  if (interval >= s->frequency)
    return;
  pqueue_push(n->jobs, infernet_interval_start(sub->created_at, s->period_s, interval + 1),
              infernet_job_id(id, interval + 1));
}

/* Busy time: the node's device is busy while at least one container runs on it. */
static void busy_from(struct infernet_node *n, double t)
{
  if (n->n_running++ == 0)
    n->busy_since = t;
}

static void busy_until(struct infernet_node *n, double t)
{
  double from = fmax(n->busy_since, metrics_warmup(n->in->world->metrics));
  if (--n->n_running == 0)
    n->busy_s += fmax(0, t - from);
}

/* Submits the delivery of a finished job. */
static void deliver(struct infernet_job *job)
{
  struct infernet_node *n = job->node;
  struct infernet *in = n->in;
  const struct infernet_sub_conf *s = &in->conf->subs[in->subs[job->sub].cls];
  double now = simgrid_get_clock(), bytes = infernet_delivery_bytes(s);
  n->computed++;
  in->callbacks = grow(in->callbacks, in->n_callbacks, &in->cap_callbacks,
                       sizeof(*in->callbacks));
  in->callbacks[in->n_callbacks++] = (struct infernet_callback){
    .sub = job->sub, .node = (size_t)(n - in->nodes), .interval = job->interval,
    .submitted_at = now, .ticket = ledger_submit(in->ledger, 1, bytes), .committed_at = -1};
  if (in_window(in, now)) {
    in->callback_tx++;
    in->callback_bytes += bytes;
  }
}

/* One container run (and its proof) on the node's host; containers running at once share the
 * device (SimGrid shares the host's speed among its executions). When the node fails the
 * actor dies with it and the node's next start drops the job. */
void infernet_job_actor(int argc, char **argv)
{
  struct infernet_job *job = actors_state(argc, argv);
  struct infernet_node *n = job->node;
  struct world *w = n->in->world;
  const struct infernet_sub_conf *s = &n->in->conf->subs[n->in->subs[job->sub].cls];
  const struct provider *p = &w->providers[n->provider];
  sg_actor_execute(s->flops > 0 ? world_exec_amount_for_flops(w, p, s->precision, s->flops)
                                : world_exec_amount_for_seconds(w, p, s->compute_s));
  if (s->proof_s > 0)
    sg_actor_execute(world_exec_amount_for_seconds(w, p, s->proof_s));
  busy_until(n, simgrid_get_clock());
  deliver(job);
  /* off the running list, by swapping the last one in */
  n->running[job->slot] = n->running[--n->n_jobs];
  n->running[job->slot]->slot = job->slot;
  free(job);
}

/* Takes up one due job: skips it or starts its container, and queues the subscription's next
 * interval (intervals are independent). */
static void take_up(struct infernet_node *n, uint64_t id)
{
  struct infernet *in = n->in;
  size_t sub = (size_t)(id >> 24);
  long interval = (long)(id & 0xffffff);
  double now = simgrid_get_clock();
  queue_next(n, sub, interval);
  if (already_done(in, &in->subs[sub], interval, now)) {
    n->skipped++;
    if (in_window(in, now))
      in->skipped++;
    return;
  }
  struct infernet_job *job = malloc(sizeof(*job));
  xbt_assert(job, "out of memory");
  n->running = grow(n->running, n->n_jobs, &n->cap_jobs, sizeof(*n->running));
  *job = (struct infernet_job){.node = n, .sub = sub, .interval = interval, .slot = n->n_jobs};
  n->running[n->n_jobs++] = job;
  busy_from(n, now);
  world_count_activity(in->world, in->conf->subs[in->subs[sub].cls].proof_s > 0 ? 2 : 1);
  actors_start("infernet-job", in->world->providers[n->provider].host, job, infernet_job_actor,
               false);
}

/* Drops the jobs that died with the node (their intervals are lost) and closes its busy time
 * when it went down. */
static void drop_lost_jobs(struct infernet_node *n)
{
  if (n->n_jobs == 0)
    return;
  double down = n->in->world->providers[n->provider].down_since;
  for (size_t i = 0; i < n->n_jobs; i++)
    free(n->running[i]);
  n->n_jobs = 0;
  n->n_running = 1; /* one busy period, ended by the failure */
  busy_until(n, down);
}

/* The processor: at each of its loops it starts every job that is due. */
void infernet_node_actor(int argc, char **argv)
{
  struct infernet_node *n = actors_state(argc, argv);
  const struct infernet_conf *c = n->in->conf;
  drop_lost_jobs(n);
  for (;;) {
    double now = simgrid_get_clock();
    while (pqueue_size(n->jobs) > 0 && pqueue_top(n->jobs).key <= now + 1e-12)
      take_up(n, pqueue_pop(n->jobs).id);
    /* its next loop: a job handed over meanwhile is due no earlier than that */
    sg_actor_sleep_until(infernet_next_poll(n->process_phase, c->process_interval_s, now + 1e-9));
  }
}
