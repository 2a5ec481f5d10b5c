/* render_sched.c: artists' jobs, the tiers' queues, the scheduler's dispatch and the nodes that
 * render frames (model in render.h).
 *
 * The scheduler is a function of the shared state rather than an actor that exchanges
 * messages: the artists' actor (on the control host) calls it when a job arrives, a node calls
 * it when it finishes a frame, and a world tick calls it when a failed node gave a frame back.
 * An idle node waits suspended; the scheduler hands it a frame and resumes it. A node's actor
 * restarts with its host; the frame it was rendering when its host failed goes back to its
 * job's queue, found by the world tick (render_redispatch) or by the actor's restart. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/render/render_state.h"
#include "protocols/token/token_layer.h"

bool render_serves(const struct render *r, const struct render_node *n, size_t t)
{
  return n->score >= r->conf->tiers[t].min_score;
}

static bool in_window(const struct render *r, double t)
{
  return metrics_in_window(r->world->metrics, t);
}

/* The oldest job of queue t with a frame waiting, or -1; skips the finished head. */
static long queue_front(struct render *r, size_t t)
{
  struct render_queue *q = &r->queues[t];
  while (q->head < q->n && r->jobs[q->jobs[q->head]].waiting == 0)
    q->head++;
  return q->head < q->n ? (long)q->jobs[q->head] : -1;
}

/* Hands node n the next frame of the highest tier it serves; false when none waits. */
static bool take_frame(struct render *r, struct render_node *n, double now)
{
  for (size_t t = 0; t < r->conf->n_tiers; t++) {
    if (!render_serves(r, n, t))
      continue;
    long id = queue_front(r, t);
    if (id < 0)
      continue;
    struct render_job *job = &r->jobs[id];
    job->waiting--;
    job->running++;
    if (job->first_start < 0)
      job->first_start = now;
    n->job = id;
    return true;
  }
  return false;
}

static bool node_up(const struct render *r, const struct render_node *n)
{
  return world_provider_is_up(r->world, n->provider);
}

/* Gives frames to idle nodes, fastest first, until none is idle or nothing they serve waits;
 * `job` >= 0: stop once that job has no frame waiting (a new job: the others had none for the
 * idle nodes). */
static void hand_to_idle(struct render *r, long job, double now)
{
  for (size_t k = 0; k < r->n_nodes; k++) {
    struct render_node *n = &r->nodes[r->by_score[k]];
    if (!n->idle || !n->actor || !node_up(r, n)) /* a node down since the last tick is not */
      continue;
    if (job >= 0 && r->jobs[job].waiting == 0)
      return;
    if (!take_frame(r, n, now))
      continue;
    n->idle = false;
    sg_actor_resume(n->actor);
  }
}

/* Node n's host failed while it rendered a frame: the frame goes back to its job, ahead of the
 * jobs behind it in its tier, and the scene the node held is gone. */
static void give_back(struct render *r, struct render_node *n, double now)
{
  n->scene_job = -1;
  if (n->job < 0)
    return;
  struct render_job *job = &r->jobs[n->job];
  struct render_queue *q = &r->queues[r->conf->jobs[job->cls].tier_index];
  job->running--;
  job->waiting++;
  if (job->queue_pos < q->head)
    q->head = job->queue_pos;
  n->job = -1;
  r->lost_pending = true;
  if (in_window(r, now))
    r->frames_lost++;
}

/* Finds the nodes whose host failed since the last tick (SimGrid killed their actors) and gives
 * their frames to idle nodes. Polling, rather than an actor's on-exit callback, keeps SimGrid
 * from calling into this layer's state after it is freed. */
void render_redispatch(struct world *w, double now, void *ctx)
{
  (void)w;
  struct render *r = ctx;
  for (size_t k = 0; k < r->n_nodes; k++) {
    struct render_node *n = &r->nodes[k];
    if (n->actor && !node_up(r, n)) {
      n->actor = NULL;
      n->idle = false;
      give_back(r, n, now);
    }
  }
  if (!r->lost_pending)
    return;
  r->lost_pending = false;
  hand_to_idle(r, -1, now);
}

static void push_job(struct render *r, size_t cls, double now)
{
  const struct render_job_conf *j = &r->conf->jobs[cls];
  if (r->n_jobs == r->cap_jobs) {
    r->cap_jobs = r->cap_jobs ? 2 * r->cap_jobs : 64;
    r->jobs = realloc(r->jobs, r->cap_jobs * sizeof(*r->jobs));
    xbt_assert(r->jobs, "out of memory");
  }
  struct render_queue *q = &r->queues[j->tier_index];
  if (q->n == q->cap) {
    q->cap = q->cap ? 2 * q->cap : 64;
    q->jobs = realloc(q->jobs, q->cap * sizeof(size_t));
    xbt_assert(q->jobs, "out of memory");
  }
  size_t id = r->n_jobs++;
  r->jobs[id] = (struct render_job){.cls = cls, .queue_pos = q->n, .submitted = now,
                                    .first_start = -1, .waiting = j->frames, .finished = -1};
  q->jobs[q->n++] = id;
  if (in_window(r, now))
    r->jobs_submitted++;
  token_record_requests(token_layer_state(r->world), 1, 0);
  hand_to_idle(r, (long)id, now);
}

/* Seconds to the class's next job: Poisson at its rate times the token layer's demand scale
 * (1 outside coupled runs), or its fixed period. */
static double next_gap(struct render *r, const struct render_job_conf *j)
{
  if (j->arrival == RENDER_ARRIVAL_PERIODIC)
    return 1 / j->rate_per_s;
  double rate = j->rate_per_s * token_demand_scale(token_layer_state(r->world));
  return rate > 0 ? gsl_ran_exponential(r->rng, 1 / rate) : INFINITY;
}

/* The artists: submits each class's jobs at their arrival times. */
void render_scheduler_actor(int argc, char **argv)
{
  struct render *r = actors_state(argc, argv);
  const struct render_conf *c = r->conf;
  for (size_t i = 0; i < c->n_jobs; i++) {
    const struct render_job_conf *j = &c->jobs[i];
    r->next_arrival[i] = j->start_s + (j->arrival == RENDER_ARRIVAL_PERIODIC ? 0 : next_gap(r, j));
  }
  for (;;) {
    size_t next = 0;
    for (size_t i = 1; i < c->n_jobs; i++)
      if (r->next_arrival[i] < r->next_arrival[next])
        next = i;
    double at = r->next_arrival[next];
    if (!isfinite(at))
      return;
    sg_actor_sleep_until(at);
    push_job(r, next, at);
    r->submitted[next]++;
    r->next_arrival[next] =
      r->submitted[next] >= c->jobs[next].count ? INFINITY : at + next_gap(r, &c->jobs[next]);
  }
}

/* The artist's burn for a completed job goes on chain as one transaction. */
static void submit_burn(struct render *r, double now)
{
  struct ledger_ticket t = ledger_submit(r->ledger, 1, r->conf->burn_tx_bytes);
  if (!in_window(r, now))
    return;
  if (r->n_burns == r->cap_burns) {
    r->cap_burns = r->cap_burns ? 2 * r->cap_burns : 64;
    r->burns = realloc(r->burns, r->cap_burns * sizeof(*r->burns));
    xbt_assert(r->burns, "out of memory");
  }
  r->burns[r->n_burns++] = (struct render_burn){.ticket = t, .submitted = now};
}

static void job_done(struct render *r, struct render_job *job, double now)
{
  const struct render_job_conf *j = &r->conf->jobs[job->cls];
  double seconds = now - job->submitted;
  struct token_state *tk = token_layer_state(r->world);
  job->finished = now;
  if (r->ledger)
    submit_burn(r, now);
  if (seconds <= token_latency_bound(tk))
    token_record_requests(tk, 0, 1);
  if (!in_window(r, now))
    return;
  struct render_tier_stats *ts = &r->tiers[j->tier_index];
  hist_add(r->job_time, seconds, 1);
  hist_add(ts->job_time, seconds, 1);
  ts->jobs++;
  ts->wait_s += job->first_start - job->submitted;
  r->jobs_done++;
  r->class_done[job->cls]++;
}

/* Share of the rendering [from, to] inside the window. */
static double window_share(const struct render *r, double from, double to)
{
  double warmup = metrics_warmup(r->world->metrics);
  return to > from ? fmin(1, fmax(0, (to - fmax(from, warmup)) / (to - from))) : 0;
}

/* A frame's output has arrived: the artist pays for its OBh at the job's tier price. The
 * throughput counts the part of its rendering [exec_from, exec_to] inside the window, so that
 * frames begun before the warm-up do not count in full. */
static void frame_done(struct render *r, struct render_node *n, double started, double exec_from,
                       double exec_to)
{
  double now = simgrid_get_clock();
  struct render_job *job = &r->jobs[n->job];
  const struct render_job_conf *j = &r->conf->jobs[job->cls];
  double usd = j->obh_per_frame * r->conf->tiers[j->tier_index].price_per_obh;
  job->running--;
  job->done++;
  n->job = -1;
  token_record_payment(token_layer_state(r->world), now, n->provider, usd);
  r->obh_done += j->obh_per_frame * window_share(r, exec_from, exec_to);
  if (in_window(r, now)) {
    struct render_tier_stats *ts = &r->tiers[j->tier_index];
    n->frames++;
    n->obh += j->obh_per_frame;
    n->earned_usd += usd;
    n->busy_s += now - fmax(started, metrics_warmup(r->world->metrics));
    r->frames_done++;
    r->obh_paid += j->obh_per_frame;
    r->paid_usd += usd;
    ts->frames++;
    ts->obh += j->obh_per_frame;
    ts->usd += usd;
  }
  if (job->done == j->frames)
    job_done(r, job, now);
}

/* Downloads the scene when the node does not hold it, renders, uploads the output. */
static void render_frame(struct render *r, struct render_node *n)
{
  struct world *w = r->world;
  const struct provider *p = &w->providers[n->provider];
  const struct render_job_conf *j = &r->conf->jobs[r->jobs[n->job].cls];
  sg_host_t hub = world_control_host(w);
  double started = simgrid_get_clock();
  if (n->scene_job != n->job && j->scene_bytes > 0) {
    world_count_activity(w, 1);
    sg_host_sendto(hub, p->host, j->scene_bytes);
  }
  n->scene_job = n->job;
  world_count_activity(w, 1);
  double exec_from = simgrid_get_clock();
  sg_actor_execute(
    world_exec_amount_for_seconds(w, p, render_frame_seconds(j->obh_per_frame, n->score)));
  double exec_to = simgrid_get_clock();
  if (j->output_bytes > 0) {
    world_count_activity(w, 1);
    sg_host_sendto(p->host, hub, j->output_bytes);
  }
  frame_done(r, n, started, exec_from, exec_to);
}

void render_node_actor(int argc, char **argv)
{
  struct render_node *n = actors_state(argc, argv);
  struct render *r = n->r;
  give_back(r, n, simgrid_get_clock()); /* came back before a tick saw it fail */
  n->actor = sg_actor_self();
  n->idle = false;
  for (;;) {
    if (n->job < 0 && !take_frame(r, n, simgrid_get_clock())) {
      n->idle = true;
      sg_actor_suspend(n->actor); /* until the scheduler hands it a frame */
      continue;
    }
    render_frame(r, n);
  }
}
