/* training.c: training on a cluster of leased nodes (model in market.h, closed forms in
 * diloco.h, layout in training_layout.c).
 *
 * Each job has one supervisor actor on the control host (it never fails). The supervisor
 * opens one order per node, waits until every node holds a lease, and then drives phases: a
 * step, an outer sync, a checkpoint or a restore. A phase is one short-lived worker actor per
 * node, on that node's host: a step computes the node's share (an exec priced by the
 * calibration profile, stretched by the pipeline bubble), exchanges activations and their
 * gradients with its pipeline neighbours, and runs the ring all-reduce of its stage's gradients
 * with the other replicas of its cluster, 2(D-1) rounds of bytes/D; an outer sync (DiLoCo,
 * every H steps) runs the ring of the node's compressed pseudo-gradient shard across clusters,
 * then the all-gather of its stage inside its cluster; a checkpoint sends the node's shard to
 * the storage sink; a restore receives the whole checkpoint from storage. With overlap (the
 * one-step delay) the outer sync is a second, background worker per node: the supervisor starts
 * it after the H-th step and waits for it only after the next H steps.
 * While a phase runs the supervisor polls once a second: a node whose host went down
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

#include "sim/base/rng.h"

XBT_LOG_NEW_DEFAULT_CATEGORY(market_training, "market: training jobs");

/* How often a supervisor checks its nodes while a phase runs: failure detection delay. */
#define TRAINING_POLL_S 1.0

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

/* `rounds` rounds of a ring: send chunk bytes to `to`, receive one from `from`; false when a
 * communication failed. */
static bool ring_rounds(struct world *w, struct node *nd, sg_mailbox_t to, sg_mailbox_t from,
                        long rounds, double chunk)
{
  void *payload = NULL;
  for (long r = 0; r < rounds; r++) {
    sg_comm_t send = sg_mailbox_put_async(to, nd, (uint64_t)chunk);
    sg_comm_t recv = sg_mailbox_get_async(from, &payload);
    world_count_activity(w, 2);
    if (sg_comm_wait(recv) != SG_OK || sg_comm_wait(send) != SG_OK)
      return false;
  }
  return true;
}

/* Activations to the next stage and their gradients to the previous one, at once; false when
 * a communication failed. */
static bool exchange_activations(struct world *w, struct node *nd)
{
  struct job *j = nd->job;
  size_t peers[2] = {nd->stage_next, nd->stage_prev};
  sg_comm_t comms[4];
  void *payload[2];
  int n = 0, in = 0;
  for (int k = 0; k < 2; k++)
    if (peers[k] != TRAINING_NO_SLOT) {
      comms[n++] = sg_mailbox_put_async(j->nodes[peers[k]].act_box, nd,
                                        (uint64_t)j->activation_bytes);
      comms[n++] = sg_mailbox_get_async(nd->act_box, &payload[in++]);
    }
  world_count_activity(w, n);
  bool ok = true;
  for (int k = 0; k < n; k++)
    ok &= sg_comm_wait(comms[k]) == SG_OK;
  return ok;
}

/* A step: compute, activations, the cluster's gradient ring. */
static bool run_step(struct world *w, struct node *nd)
{
  struct job *j = nd->job;
  const struct provider *p = &w->providers[nd->lease->provider];
  double t0 = simgrid_get_clock();
  double flops = j->node_step_flops * diloco_bubble_factor(j->stages, j->spec->micro_batches);
  sg_actor_execute(world_exec_amount_for_flops(w, p, j->spec->precision, flops));
  world_count_activity(w, 1);
  double t1 = simgrid_get_clock();
  nd->compute_s = t1 - t0;
  if (j->stages > 1 && !exchange_activations(w, nd))
    return false;
  double t2 = simgrid_get_clock();
  nd->activations_s = t2 - t1;
  long d = j->per_cluster;
  double chunk = j->grad_bytes / (double)j->stages / (double)d;
  if (!ring_rounds(w, nd, j->nodes[nd->ring_next].mailbox, nd->mailbox, 2 * (d - 1), chunk))
    return false;
  nd->allreduce_s = simgrid_get_clock() - t2;
  return true;
}

/* DiLoCo's outer sync: the pseudo-gradient shard's ring across clusters, then the stage's
 * all-gather inside the cluster. */
static bool run_outer(struct world *w, struct node *nd)
{
  struct job *j = nd->job;
  double t0 = simgrid_get_clock();
  long c = j->clusters, d = j->per_cluster;
  if (!ring_rounds(w, nd, j->nodes[nd->outer_next].outer_box, nd->outer_box, 2 * (c - 1),
                   j->outer_shard_bytes / (double)c))
    return false;
  double chunk = j->grad_bytes / (double)j->stages / (double)d;
  if (!ring_rounds(w, nd, j->nodes[nd->ring_next].gather_box, nd->gather_box, d - 1, chunk))
    return false;
  nd->sync_s = simgrid_get_clock() - t0;
  return true;
}

/* The node's part of its phase; false when a communication failed. */
static bool work(struct task *t)
{
  struct node *nd = t->node;
  struct job *j = nd->job;
  struct world *w = j->market->world;
  void *payload = NULL;
  sg_comm_t comm;
  switch (t->phase) {
  case PHASE_STEP:
    return run_step(w, nd);
  case PHASE_OUTER:
    return run_outer(w, nd);
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
  struct task *t = sg_actor_self_get_data();
  t->done = work(t);
  t->exited = true; /* a worker that dies with its host never gets here */
}

/* Whether node i still stands: leased, lease open, host up. */
static bool node_ok(const struct job *j, size_t i)
{
  const struct node *nd = &j->nodes[i];
  return nd->lease && nd->lease->end == LEASE_OPEN && market_lease_host_ok(j->market, nd->lease);
}

static void name_boxes(struct job *j, struct node *nd)
{
  char name[96];
  snprintf(name, sizeof(name), "train-%zu-%u-%zu", j->id, j->attempt, nd->slot);
  nd->mailbox = sg_mailbox_by_name(name);
  snprintf(name, sizeof(name), "train-%zu-%u-%zu-act", j->id, j->attempt, nd->slot);
  nd->act_box = sg_mailbox_by_name(name);
  snprintf(name, sizeof(name), "train-%zu-%u-%zu-outer", j->id, j->attempt, nd->slot);
  nd->outer_box = sg_mailbox_by_name(name);
  snprintf(name, sizeof(name), "train-%zu-%u-%zu-gather", j->id, j->attempt, nd->slot);
  nd->gather_box = sg_mailbox_by_name(name);
}

/* Starts one worker per node for the phase; false (nothing started) when a node is down. */
static bool start_tasks(struct job *j, int kind, enum phase phase)
{
  struct world *w = j->market->world;
  char name[96];
  size_t n = (size_t)j->n_nodes;
  for (size_t i = 0; i < n; i++)
    if (!node_ok(j, i)) /* no actor may start on a host that is down */
      return false;
  training_plan(j);
  for (size_t i = 0; i < n; i++) {
    struct node *nd = &j->nodes[i];
    struct task *t = &nd->task[kind];
    *t = (struct task){.node = nd, .phase = phase};
    name_boxes(j, nd);
    snprintf(name, sizeof(name), "train-%zu-%u-%zu%s", j->id, j->attempt, i,
             kind == TASK_BG ? "-sync" : "");
    t->actor = sg_actor_init(name, w->providers[nd->lease->provider].host);
    sg_actor_set_data(t->actor, t);
    sg_actor_ref(t->actor);
    sg_actor_start(t->actor, worker_actor, 0, NULL);
  }
  if (phase == PHASE_RESTORE)
    for (size_t i = 0; i < n; i++) { /* storage sends each node the whole checkpoint */
      sg_comm_t c = sg_mailbox_put_init(j->nodes[i].mailbox, j, (uint64_t)j->checkpoint_bytes);
      sg_comm_detach(c, NULL);
      world_count_activity(w, 1);
    }
  return true;
}

/* Lets go of a kind's workers, killing those still running when `kill`. */
static void release_tasks(struct job *j, int kind, bool kill)
{
  for (long i = 0; i < j->n_nodes; i++) {
    struct task *t = &j->nodes[i].task[kind];
    if (!t->actor)
      continue;
    if (kill && !t->exited && sg_host_is_on(sg_actor_get_host(t->actor)))
      sg_actor_kill(t->actor);
    sg_actor_unref(t->actor);
    t->actor = NULL;
  }
}

/* Waits for a kind's workers; false when a node failed under them (they are killed). */
static bool wait_tasks(struct job *j, int kind)
{
  size_t n = (size_t)j->n_nodes;
  bool ok = true;
  for (;;) {
    long waiting = -1;
    for (size_t i = 0; i < n && ok; i++) {
      const struct task *t = &j->nodes[i].task[kind];
      ok = node_ok(j, i) && !j->broken && (t->done || !t->exited);
      if (!t->done && waiting < 0)
        waiting = (long)i;
    }
    if (!ok || waiting < 0)
      break;
    sg_actor_join(j->nodes[waiting].task[kind].actor, TRAINING_POLL_S);
  }
  release_tasks(j, kind, !ok);
  return ok;
}

/* Runs one phase on every node; false when a node failed under it. */
static bool run_phase(struct job *j, enum phase phase)
{
  return start_tasks(j, TASK_FG, phase) && wait_tasks(j, TASK_FG);
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
  release_tasks(j, TASK_BG, true); /* an outer sync still out dies with the round */
  j->sync_running = false;
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
  j->inner_in_round = 0; /* checkpoints fall on outer-step boundaries */
  j->round_started_at = -1;
  j->round_checkpointed = false;
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

static void record_step(struct job *j, double started)
{
  struct market *m = j->market;
  double now = simgrid_get_clock(), compute = 0, allreduce = 0, activations = 0;
  for (long i = 0; i < j->n_nodes; i++) {
    struct node *nd = &j->nodes[i];
    compute = fmax(compute, nd->compute_s);
    activations = fmax(activations, nd->activations_s);
    allreduce = fmax(allreduce, nd->allreduce_s);
    if (nd->lease) /* the market may have closed it since the step ended */
      market_record_busy(m, nd->lease, started, started + nd->compute_s, 0);
    else
      j->broken = true;
  }
  j->steps_done++;
  j->inner_in_round++;
  j->round_comm_s += activations + allreduce;
  if (j->broken || !metrics_in_window(m->world->metrics, started))
    return;
  j->steps_in_window++;
  j->tokens_in_window += j->spec->tokens_per_step;
  j->busy_s += now - started;
  j->step_s += now - started;
  j->compute_s += compute;
  j->activations_s += activations;
  j->allreduce_s += allreduce;
  j->compute_bound_s += j->step_cf.compute_s;
  j->activations_closed_s += j->step_cf.activations_s;
  j->allreduce_closed_s += j->step_cf.allreduce_s;
}

/* The slowest node's outer sync, once its workers are done. */
static double measured_sync(const struct job *j)
{
  double sync = 0;
  for (long i = 0; i < j->n_nodes; i++)
    sync = fmax(sync, j->nodes[i].sync_s);
  return sync;
}

/* A round of H steps and its sync ended at `now` (steps ended at steps_end). Every complete
 * round counts as done; only steady ones are timed: with overlap, not the first (no sync to
 * wait for) nor the last (its own sync runs exposed); never one that began with a checkpoint
 * (the checkpoint's flows share the links with the round's, with the sync's under overlap). */
static void record_outer(struct job *j, double steps_end, double sync, bool steady)
{
  double now = simgrid_get_clock();
  long h = j->spec->inner_steps;
  j->busy_s += now - steps_end; /* waiting for (or running) the sync */
  if (j->broken || j->inner_in_round < h || !metrics_in_window(j->market->world->metrics,
                                                               j->round_started_at))
    return;
  j->outer_in_window++;
  if (!steady)
    return;
  double inner_cf = diloco_step_s(&j->step_cf), sync_cf = diloco_sync_s(&j->sync_cf);
  j->outer_timed++;
  j->outer_step_s += now - j->round_started_at;
  j->outer_step_closed_s += diloco_outer_step_s(h, inner_cf, sync_cf, j->spec->overlap);
  j->sync_s += sync;
  j->sync_closed_s += sync_cf;
  j->comm_per_outer_s += j->round_comm_s + sync;
  j->comm_per_outer_closed_s += diloco_comm_per_outer_step_s(h, &j->step_cf, &j->sync_cf);
  j->allreduce_baseline_s += (double)h * diloco_step_s(&j->allreduce_cf);
}

/* After the H-th step of a round (or the last step): the outer sync, blocking or overlapped.
 * With overlap it waits for the previous round's sync and starts this round's in the
 * background; the previous sync's time is what this round records (steady state: they are
 * alike). False when a node failed. */
static bool outer_boundary(struct job *j)
{
  double steps_end = simgrid_get_clock(), sync = 0;
  bool last = j->steps_done >= j->steps_total, waited = false;
  if (!j->spec->overlap || (last && !j->sync_running)) {
    if (!run_phase(j, PHASE_OUTER))
      return false;
    sync = measured_sync(j);
  } else {
    if (j->sync_running) {
      j->sync_running = false;
      if (!wait_tasks(j, TASK_BG))
        return false;
      sync = measured_sync(j);
      waited = true;
    }
    if (last && !run_phase(j, PHASE_OUTER)) /* the final round's sync: nothing to hide it */
      return false;
    if (!last) {
      if (!start_tasks(j, TASK_BG, PHASE_OUTER))
        return false;
      j->sync_running = true;
    }
  }
  record_outer(j, steps_end, sync,
               (!j->spec->overlap || (waited && !last)) && !j->round_checkpointed);
  j->round_checkpointed = false;
  j->inner_in_round = 0;
  j->round_comm_s = 0;
  j->round_started_at = simgrid_get_clock();
  return true;
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

/* After a step: DiLoCo's outer sync when the round is complete, then a checkpoint when one is
 * due (for DiLoCo only on a round's boundary). False when a node failed. */
static bool after_step(struct job *j)
{
  bool diloco = j->spec->algorithm == TRAIN_DILOCO;
  bool boundary = !diloco;
  if (diloco && (j->inner_in_round >= j->spec->inner_steps || j->steps_done >= j->steps_total)) {
    if (!outer_boundary(j))
      return false;
    boundary = true;
  }
  if (boundary && j->steps_done < j->steps_total &&
      simgrid_get_clock() - j->last_checkpoint_at >= j->spec->checkpoint_interval_s) {
    if (!run_phase(j, PHASE_CHECKPOINT))
      return false;
    j->round_checkpointed = true;
    j->checkpoints++;
    commit(j);
  }
  return true;
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
    if (j->round_started_at < 0) /* the job's first round, or the first after a rollback */
      j->round_started_at = started;
    if (!run_phase(j, PHASE_STEP)) {
      recover(j);
      continue;
    }
    record_step(j, started);
    if (!after_step(j))
      recover(j);
  }
  commit(j);
  j->finished_at = simgrid_get_clock();
  for (long i = 0; i < j->n_nodes; i++)
    market_lease_close(j->market, j->nodes[i].lease, LEASE_DONE);
}

/* The job's layout and sizes from its spec (diloco.h). */
static void size_job(struct job *j, const struct training_spec *spec)
{
  j->n_nodes = (spec->data_parallel + spec->gpus_per_node - 1) / spec->gpus_per_node;
  j->stages = spec->pipeline_stages;
  j->replicas = j->n_nodes / j->stages;
  j->clusters = spec->algorithm == TRAIN_DILOCO ? spec->clusters : 1;
  j->per_cluster = j->replicas / j->clusters;
  j->steps_total = (long)ceil(spec->tokens / spec->tokens_per_step);
  j->step_flops = 6 * spec->params * spec->tokens_per_step;
  j->node_step_flops = j->step_flops / (double)j->n_nodes;
  j->grad_bytes = spec->params * bytes_per_value(spec->precision);
  j->checkpoint_bytes = 2 * spec->params;
  j->activation_bytes =
    spec->tokens_per_step / (double)j->replicas * spec->hidden_size * DILOCO_ACTIVATION_VALUE_BYTES;
  j->outer_shard_bytes =
    spec->compression * j->grad_bytes / (double)(j->stages * j->per_cluster);
}

static void job_start(struct market *m, const struct training_spec *spec, size_t id,
                      double arrival)
{
  struct job *j = &m->jobs[id];
  char name[64];
  *j = (struct job){.market = m, .spec = spec, .id = id, .arrival_at = arrival,
                    .formed_at = -1, .finished_at = -1, .submitted_at = -1,
                    .round_started_at = -1};
  j->owner = (struct order_owner){on_lease, on_close, j, "training"};
  double per_gpu, per_node;
  market_training_memory(spec, &per_gpu, &per_node);
  j->needs = (struct order_needs){.gpu = spec->gpu, .gpus_per_node = spec->gpus_per_node,
                                  .memory_per_gpu = per_gpu, .memory_per_node = per_node,
                                  .region = spec->region, .max_price = spec->max_price};
  size_job(j, spec);
  j->nodes = calloc((size_t)j->n_nodes, sizeof(*j->nodes));
  j->position = calloc((size_t)j->n_nodes, sizeof(size_t));
  xbt_assert(j->nodes && j->position, "out of memory");
  for (long i = 0; i < j->n_nodes; i++)
    j->nodes[i] = (struct node){.job = j, .slot = (size_t)i};
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
  for (size_t i = 0; i < m->n_jobs; i++) {
    free(m->jobs[i].nodes);
    free(m->jobs[i].position);
  }
  free(m->jobs);
}
