/* training.c: data-parallel training on a cluster of leased nodes (model in market.h).
 *
 * Each job has one supervisor actor on the control host (it never fails). The supervisor
 * opens one order per node, waits until every node holds a lease, and then drives phases: a
 * step, a checkpoint or a restore. A phase is one short-lived worker actor per node, on that
 * node's host: a step computes the node's share (an exec priced by the calibration profile)
 * and runs the ring all-reduce with its neighbours, 2(n-1) rounds of bytes/n; a checkpoint
 * sends the node's shard to the storage sink; a restore receives the whole checkpoint from
 * storage. While a phase runs the supervisor polls once a second: a node whose host went down
 * or whose lease the market closed breaks the phase; the supervisor kills the surviving
 * workers, closes the failed leases, rolls every node back to the last checkpoint (the steps
 * since count as lost work) and reorders the missing nodes: one for a worker, all of them
 * when the head (node 0, the Ray head of io.net) failed. */
#include "protocols/market/training.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <stdlib.h>
#include <xbt/asserts.h>
#include <xbt/config.h>
#include <xbt/log.h>

#include "protocols/market/queueing.h"
#include "sim/base/rng.h"

XBT_LOG_NEW_DEFAULT_CATEGORY(market_training, "market: training jobs");

/* How often a supervisor checks its nodes while a phase runs: failure detection delay. */
#define TRAINING_POLL_S 1.0
/* With network/crosstraffic on (SimGrid's default) a flow's acknowledgements load the reverse
 * links with 5% of its rate; in a ring every uplink carries its own flow and the
 * acknowledgements of the flow coming in, so a hop runs at bandwidth / 1.05. */
#define TRAINING_CROSSTRAFFIC_FACTOR 1.05

static double bytes_per_value(enum precision p)
{
  return p == PREC_FP32 || p == PREC_TF32 ? 4 : 2;
}

static void on_lease(void *ctx, size_t slot, struct lease *l)
{
  struct job *j = ctx;
  j->nodes[slot].lease = l;
  j->nodes[slot].ordered = false;
}

/* The market closed a lease (funds, or a failure it saw first): the phase breaks. */
static void on_close(void *ctx, size_t slot, struct lease *l)
{
  (void)l;
  struct job *j = ctx;
  j->nodes[slot].lease = NULL;
  j->broken = true; /* the supervisor recovers and reorders */
}

/* The node's part of its phase; false when a communication failed. */
static bool work(struct node *nd)
{
  struct job *j = nd->job;
  struct world *w = j->market->world;
  const struct provider *p = &w->providers[nd->lease->provider];
  double t0 = simgrid_get_clock();
  void *payload = NULL;
  sg_comm_t comm;
  switch (nd->phase) {
  case PHASE_STEP: {
    sg_actor_execute(world_exec_amount_for_flops(w, p, j->spec->precision, j->node_step_flops));
    world_count_activity(w, 1);
    double t1 = simgrid_get_clock();
    nd->compute_s = t1 - t0;
    sg_mailbox_t next = j->nodes[nd->ring_next].mailbox;
    long rounds = 2 * (j->n_nodes - 1);
    double chunk = j->grad_bytes / (double)j->n_nodes;
    for (long r = 0; r < rounds; r++) {
      sg_comm_t send = sg_mailbox_put_async(next, nd, (uint64_t)chunk);
      sg_comm_t recv = sg_mailbox_get_async(nd->mailbox, &payload);
      world_count_activity(w, 2);
      if (sg_comm_wait(recv) != SG_OK || sg_comm_wait(send) != SG_OK)
        return false;
    }
    nd->allreduce_s = simgrid_get_clock() - t1;
    break;
  }
  case PHASE_CHECKPOINT:
    comm = sg_mailbox_put_async(j->market->storage, nd,
                                (uint64_t)(j->checkpoint_bytes / (double)j->n_nodes));
    world_count_activity(w, 1);
    return sg_comm_wait(comm) == SG_OK;
  case PHASE_RESTORE:
    comm = sg_mailbox_get_async(nd->mailbox, &payload);
    return sg_comm_wait(comm) == SG_OK;
  }
  return true;
}

static void worker_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct node *nd = sg_actor_self_get_data();
  nd->done = work(nd);
  nd->exited = true; /* a worker that dies with its host never gets here */
}

/* Whether node i still stands: leased, lease open, host up. */
static bool node_ok(const struct job *j, size_t i)
{
  const struct node *nd = &j->nodes[i];
  return nd->lease && nd->lease->end == LEASE_OPEN &&
         sg_host_is_on(j->market->world->providers[nd->lease->provider].host);
}

/* Orders the ring by region, then provider, as a topology-aware collective library (NCCL)
 * would: a cluster spread over regions crosses each wide-area link twice, not at every hop. */
static int by_region(const void *x, const void *y, void *arg)
{
  const struct job *j = arg;
  const struct world *w = j->market->world;
  size_t a = j->nodes[*(const size_t *)x].lease->provider;
  size_t b = j->nodes[*(const size_t *)y].lease->provider;
  unsigned ra = w->providers[a].region_index, rb = w->providers[b].region_index;
  if (ra != rb)
    return ra < rb ? -1 : 1;
  return (a > b) - (a < b);
}

static void order_ring(struct job *j)
{
  size_t n = (size_t)j->n_nodes;
  size_t *order = malloc(n * sizeof(size_t));
  xbt_assert(order, "out of memory");
  for (size_t i = 0; i < n; i++)
    order[i] = i;
  qsort_r(order, n, sizeof(size_t), by_region, j);
  for (size_t i = 0; i < n; i++)
    j->nodes[order[i]].ring_next = order[(i + 1) % n];
  free(order);
}

/* Runs one phase on every node; false when a node failed under it. */
static bool run_phase(struct job *j, enum phase phase)
{
  struct world *w = j->market->world;
  char name[96];
  size_t n = (size_t)j->n_nodes;
  for (size_t i = 0; i < n; i++)
    if (!node_ok(j, i)) /* no actor may start on a host that is down */
      return false;
  if (phase == PHASE_STEP)
    order_ring(j);
  for (size_t i = 0; i < n; i++) {
    struct node *nd = &j->nodes[i];
    nd->phase = phase;
    nd->done = nd->exited = false;
    nd->compute_s = nd->allreduce_s = 0;
    snprintf(name, sizeof(name), "train-%zu-%u-%zu", j->id, j->attempt, i);
    nd->mailbox = sg_mailbox_by_name(name);
    nd->actor = sg_actor_init(name, w->providers[nd->lease->provider].host);
    sg_actor_set_data(nd->actor, nd);
    sg_actor_ref(nd->actor);
    sg_actor_start(nd->actor, worker_actor, 0, NULL);
  }
  if (phase == PHASE_RESTORE)
    for (size_t i = 0; i < n; i++) { /* storage sends each node the whole checkpoint */
      sg_comm_t c = sg_mailbox_put_init(j->nodes[i].mailbox, j, (uint64_t)j->checkpoint_bytes);
      sg_comm_detach(c, NULL);
      world_count_activity(w, 1);
    }
  bool ok = true;
  for (;;) {
    long waiting = -1;
    for (size_t i = 0; i < n && ok; i++) {
      ok = node_ok(j, i) && !j->broken && (j->nodes[i].done || !j->nodes[i].exited);
      if (!j->nodes[i].done && waiting < 0)
        waiting = (long)i;
    }
    if (!ok || waiting < 0)
      break;
    sg_actor_join(j->nodes[waiting].actor, TRAINING_POLL_S);
  }
  for (size_t i = 0; i < n; i++) {
    struct node *nd = &j->nodes[i];
    if (!ok && !nd->exited && sg_host_is_on(sg_actor_get_host(nd->actor)))
      sg_actor_kill(nd->actor);
    sg_actor_unref(nd->actor);
    nd->actor = NULL;
  }
  return ok;
}

static void order_all(struct job *j)
{
  for (long i = 0; i < j->n_nodes; i++)
    if (!j->nodes[i].lease && !j->nodes[i].ordered) {
      j->nodes[i].ordered = true;
      market_order(j->market, &j->needs, &j->owner, (size_t)i);
    }
}

/* After a broken phase: release what failed, roll back to the checkpoint, reorder. */
static void recover(struct job *j)
{
  struct market *m = j->market;
  double now = simgrid_get_clock();
  bool head_lost = false;
  for (long i = 0; i < j->n_nodes; i++) {
    struct node *nd = &j->nodes[i];
    if (nd->lease && !node_ok(j, (size_t)i)) {
      market_lease_close(m, nd->lease, LEASE_FAILURE);
      nd->lease = NULL;
    }
    if (nd->lease || nd->ordered)
      continue;
    if (i == 0)
      head_lost = true;
    else
      j->replacements++;
  }
  if (head_lost) /* the head held the cluster: every worker goes with it */
    j->head_failures++;
  if (head_lost)
    for (long i = 1; i < j->n_nodes; i++)
      if (j->nodes[i].lease) {
        market_lease_close(m, j->nodes[i].lease, LEASE_DONE);
        j->nodes[i].lease = NULL;
      }
  if (metrics_in_window(m->world->metrics, now)) {
    j->lost_flops += (double)(j->steps_done - j->steps_checkpointed) * j->step_flops;
    j->lost_s += now - j->last_checkpoint_at;
  }
  j->steps_done = j->steps_checkpointed;
  j->last_checkpoint_at = now;
  j->restore = j->steps_checkpointed > 0;
  j->restarts++;
  j->attempt++;
  j->broken = false;
  order_all(j);
}

static void wait_for_cluster(struct job *j)
{
  for (;;) {
    bool all = true;
    for (long i = 0; i < j->n_nodes && all; i++)
      all = j->nodes[i].lease != NULL;
    if (all)
      break;
    if (j->broken) /* the market closed a lease of a node already there */
      return;
    sg_actor_sleep_for(TRAINING_POLL_S);
  }
  if (j->formed_at < 0)
    j->formed_at = simgrid_get_clock();
  for (long i = 0; i < j->n_nodes; i++)
    if (!node_ok(j, (size_t)i)) /* a node failed while the others were being leased */
      j->broken = true;
}

/* The compute-only time of a step (the slowest node's share at its calibrated rate) and the
 * ring all-reduce closed form over the current cluster's routes. */
static void step_closed_forms(const struct job *j, double *compute_s, double *allreduce_s)
{
  const struct world *w = j->market->world;
  double slowest = 0, bw = INFINITY, lat = 0;
  size_t n = (size_t)j->n_nodes;
  for (size_t i = 0; i < n; i++) {
    const struct provider *p = &w->providers[j->nodes[i].lease->provider];
    const struct provider_class *pc = &w->sc->classes[p->class_index];
    slowest = fmax(slowest, profile_compute_seconds(p->device, j->spec->precision,
                                                    j->node_step_flops, pc->gpus_per_node,
                                                    w->sc->efficiency));
    const struct provider *q = &w->providers[j->nodes[j->nodes[i].ring_next].lease->provider];
    double l = sg_host_get_route_latency(p->host, q->host);
    double window = sg_cfg_get_double("network/TCP-gamma"); /* network.tcp_window */
    double route = sg_host_get_route_bandwidth(p->host, q->host);
    bw = fmin(bw, window > 0 && l > 0 ? fmin(route, window / (2 * l)) : route);
    lat = fmax(lat, l);
  }
  if (sg_cfg_get_boolean("network/crosstraffic"))
    bw /= TRAINING_CROSSTRAFFIC_FACTOR;
  *compute_s = slowest;
  *allreduce_s = queueing_ring_allreduce_s(j->n_nodes, j->grad_bytes, bw, lat);
}

static void record_step(struct job *j, double started)
{
  struct market *m = j->market;
  double now = simgrid_get_clock(), compute = 0, allreduce = 0;
  for (long i = 0; i < j->n_nodes; i++) {
    struct node *nd = &j->nodes[i];
    compute = fmax(compute, nd->compute_s);
    allreduce = fmax(allreduce, nd->allreduce_s);
    if (nd->lease) /* the market may have closed it since the step ended */
      market_record_busy(m, nd->lease, started, started + nd->compute_s, 0);
    else
      j->broken = true;
  }
  j->steps_done++;
  if (j->broken || !metrics_in_window(m->world->metrics, started))
    return;
  double bound, closed;
  step_closed_forms(j, &bound, &closed);
  j->steps_in_window++;
  j->step_s += now - started;
  j->compute_s += compute;
  j->allreduce_s += allreduce;
  j->compute_bound_s += bound;
  j->allreduce_closed_s += closed;
}

/* Counts the steps since the last commit as useful work (a checkpoint or the end). */
static void commit(struct job *j)
{
  double now = simgrid_get_clock();
  double flops = (double)(j->steps_done - j->steps_checkpointed) * j->step_flops;
  if (metrics_in_window(j->market->world->metrics, now)) {
    j->committed_flops += flops;
    j->market->useful_flops += flops;
  }
  j->steps_checkpointed = j->steps_done;
  j->last_checkpoint_at = now;
}

static void supervisor_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct job *j = sg_actor_self_get_data();
  sg_actor_sleep_until(j->arrival_at);
  j->submitted_at = j->last_checkpoint_at = simgrid_get_clock();
  order_all(j);
  while (j->steps_done < j->steps_total) {
    wait_for_cluster(j);
    if (j->broken) {
      recover(j);
      continue;
    }
    if (j->restore && !run_phase(j, PHASE_RESTORE)) {
      recover(j);
      continue;
    }
    j->restore = false;
    double started = simgrid_get_clock();
    if (!run_phase(j, PHASE_STEP)) {
      recover(j);
      continue;
    }
    record_step(j, started);
    if (j->steps_done < j->steps_total &&
        simgrid_get_clock() - j->last_checkpoint_at >= j->spec->checkpoint_interval_s) {
      if (!run_phase(j, PHASE_CHECKPOINT)) {
        recover(j);
        continue;
      }
      j->checkpoints++;
      commit(j);
    }
  }
  commit(j);
  j->finished_at = simgrid_get_clock();
  for (long i = 0; i < j->n_nodes; i++)
    market_lease_close(j->market, j->nodes[i].lease, LEASE_DONE);
}

static void job_start(struct market *m, const struct training_spec *spec, size_t id,
                      double arrival)
{
  struct job *j = &m->jobs[id];
  char name[64];
  *j = (struct job){.market = m, .spec = spec, .id = id, .arrival_at = arrival,
                    .formed_at = -1, .finished_at = -1, .submitted_at = -1};
  j->owner = (struct order_owner){on_lease, on_close, j, "training"};
  j->needs = (struct order_needs){.gpu = spec->gpu, .gpus_per_node = spec->gpus_per_node,
                                  .memory_per_gpu = spec->params * MARKET_TRAIN_BYTES_PER_PARAM,
                                  .region = spec->region, .max_price = spec->max_price};
  j->n_nodes = (spec->data_parallel + spec->gpus_per_node - 1) / spec->gpus_per_node;
  j->nodes = calloc((size_t)j->n_nodes, sizeof(*j->nodes));
  xbt_assert(j->nodes, "out of memory");
  for (long i = 0; i < j->n_nodes; i++)
    j->nodes[i] = (struct node){.job = j, .slot = (size_t)i};
  j->steps_total = (long)ceil(spec->tokens / spec->tokens_per_step);
  j->step_flops = 6 * spec->params * spec->tokens_per_step;
  j->node_step_flops = j->step_flops / (double)j->n_nodes;
  j->grad_bytes = spec->params * bytes_per_value(spec->precision);
  j->checkpoint_bytes = 2 * spec->params;
  snprintf(name, sizeof(name), "train-job-%zu", id);
  sg_actor_t a = sg_actor_init(name, world_control_host(m->world));
  sg_actor_set_data(a, j);
  sg_actor_start(a, supervisor_actor, 0, NULL);
}

void training_deploy(struct market *m)
{
  const struct market_conf *c = m->conf;
  for (size_t k = 0; k < c->n_training; k++)
    m->n_jobs += (size_t)c->training[k].jobs;
  m->jobs = calloc(m->n_jobs ? m->n_jobs : 1, sizeof(*m->jobs));
  xbt_assert(m->jobs, "out of memory");
  size_t id = 0;
  for (size_t k = 0; k < c->n_training; k++) {
    const struct training_spec *spec = &c->training[k];
    gsl_rng *rng = rng_stream(m->world->sc->seed, "market-training", k);
    double t = 0;
    for (long i = 0; i < spec->jobs; i++, id++) {
      if (i > 0 && spec->arrival_s > 0)
        t += gsl_ran_exponential(rng, spec->arrival_s);
      job_start(m, spec, id, t);
    }
    gsl_rng_free(rng);
  }
}

void training_free_all(struct market *m)
{
  for (size_t i = 0; i < m->n_jobs; i++)
    free(m->jobs[i].nodes);
  free(m->jobs);
}
