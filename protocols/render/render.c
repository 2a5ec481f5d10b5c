/* render.c: the render layer's deployment and its table entry (model in render.h, scheduler
 * and nodes in render_sched.c, results in render_report.c).
 *
 * Actors: the artists' arrivals on the control host, and one node actor on each node's host,
 * restarted with its host. A world tick finds the nodes whose host went off and gives the
 * frames they lost to idle nodes. */
#include <math.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/render/render_state.h"
#include "sim/base/rng.h"

struct scored {
  double score;
  size_t node;
};

static int faster_first(const void *a, const void *b)
{
  const struct scored *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->node < y->node ? -1 : 1;
}

/* The nodes' indices, fastest first (ties in order). */
static void sort_by_score(struct render *r)
{
  struct scored *order = malloc((r->n_nodes + 1) * sizeof(*order));
  xbt_assert(order, "out of memory");
  for (size_t k = 0; k < r->n_nodes; k++)
    order[k] = (struct scored){r->nodes[k].score, k};
  qsort(order, r->n_nodes, sizeof(*order), faster_first);
  for (size_t k = 0; k < r->n_nodes; k++)
    r->by_score[k] = order[k].node;
  free(order);
}

static double series_obh(void *state)
{
  return ((const struct render *)state)->obh_done;
}

/* Every launch host of the listed classes, scored, with its actor. */
static void deploy_nodes(struct render *r)
{
  struct world *w = r->world;
  const struct render_conf *c = r->conf;
  for (size_t i = 0; i < c->n_nodes; i++)
    r->n_nodes += (size_t)w->sc->classes[c->node_classes[i]].count;
  r->nodes = calloc(r->n_nodes, sizeof(*r->nodes));
  r->by_score = malloc((r->n_nodes + 1) * sizeof(size_t));
  xbt_assert(r->nodes && r->by_score, "out of memory");
  size_t k = 0;
  char name[96];
  for (size_t i = 0; i < c->n_nodes; i++) {
    const struct provider_class *pc = &w->sc->classes[c->node_classes[i]];
    for (long m = 0; m < pc->count; m++, k++) {
      struct render_node *n = &r->nodes[k];
      size_t p = pc->first_provider + (size_t)m;
      *n = (struct render_node){.r = r, .provider = p, .job = -1, .scene_job = -1};
      n->score = render_node_score(w->providers[p].device, pc->gpus_per_node,
                                   c->score_per_tflops);
      snprintf(name, sizeof(name), "render-%s", sg_host_get_name(w->providers[p].host));
      actors_start(name, w->providers[p].host, n, render_node_actor, true);
    }
  }
  sort_by_score(r);
}

static void *render_deploy(struct world *w, const void *conf)
{
  const struct render_conf *c = conf;
  struct render *r = calloc(1, sizeof(*r));
  xbt_assert(r, "out of memory");
  *r = (struct render){.world = w, .conf = c, .ledger = world_layer_state(w, "ledger")};
  r->rng = rng_stream(w->sc->seed, "render-arrivals", 0);
  r->queues = calloc(c->n_tiers, sizeof(*r->queues));
  r->tiers = calloc(c->n_tiers, sizeof(*r->tiers));
  r->submitted = calloc(c->n_jobs, sizeof(double));
  r->next_arrival = calloc(c->n_jobs, sizeof(double));
  r->class_done = calloc(c->n_jobs, sizeof(double));
  xbt_assert(r->queues && r->tiers && r->submitted && r->next_arrival && r->class_done,
             "out of memory");
  r->job_time = metrics_hist(w->metrics, "render_job_time", "s");
  char name[96];
  for (size_t t = 0; t < c->n_tiers; t++) {
    snprintf(name, sizeof(name), "render_job_time_%s", c->tiers[t].name);
    r->tiers[t].job_time = metrics_hist(w->metrics, name, "s");
  }
  deploy_nodes(r);
  /* hosts go off when they fail and, in coupled runs, when their operator leaves */
  world_every(w, RENDER_REDISPATCH_S, render_redispatch, r);
  actors_start("render-artists", world_control_host(w), r, render_scheduler_actor, false);
  metrics_series_add(w->metrics, "render_obh", "OBh/s", SERIES_RATE, series_obh, r);
  return r;
}

static void render_state_free(void *state)
{
  struct render *r = state;
  if (!r)
    return;
  for (size_t t = 0; r->queues && t < r->conf->n_tiers; t++)
    free(r->queues[t].jobs);
  gsl_rng_free(r->rng);
  free(r->queues);
  free(r->tiers);
  free(r->submitted);
  free(r->next_arrival);
  free(r->class_done);
  free(r->nodes);
  free(r->by_score);
  free(r->jobs);
  free(r->burns);
  free(r);
}

static const struct metric_def render_metrics[] = {
  {"render_job_time_p50", UNIT_TIME, "s", "job submission to its last frame's output, median"},
  {"render_job_time_p99", UNIT_TIME, "s", "job completion time, 99th percentile"},
  {"render_job_time_mean", UNIT_TIME, "s", "job completion time, mean"},
  {"render_jobs_done", UNIT_NUMBER, "", "jobs completed after warm-up"},
  {"render_jobs_per_s", UNIT_RATE, "/s", "jobs completed per second"},
  {"render_frames_per_s", UNIT_RATE, "/s", "frames rendered per second"},
  {"render_obh_per_s", UNIT_NUMBER, "OBh/s", "OctaneBench-hours rendered per second"},
  {"render_offered_obh_per_s", UNIT_NUMBER, "OBh/s", "OBh the artists' jobs bring per second"},
  {"render_capacity_obh_per_s", UNIT_NUMBER, "OBh/s",
   "sum of node scores x availability / 3600: the most OBh the nodes render per second"},
  {"render_utilization", UNIT_NUMBER, "", "OBh rendered / capacity"},
  {"render_paid_usd", UNIT_NUMBER, "USD", "artists' payments for frames rendered"},
  {"render_usd_per_obh", UNIT_NUMBER, "USD/OBh", "payments per OBh rendered"},
  {"render_frames_lost", UNIT_NUMBER, "", "frames lost with a failing node and rendered again"},
  {"render_queue_wait_mean", UNIT_TIME, "s", "job submission to its first frame's start, mean"},
  {"render_burn_commit_latency", UNIT_TIME, "s",
   "a completed job's burn transaction to its commit, mean (with a ledger)"},
  {NULL, 0, NULL, NULL},
};

/* Its artists' burns go on the ledger when the scenario has one. */
static const char *const render_consumes[] = {"ledger", NULL};

const struct depin_layer render_layer = {
  .name = "render",
  .metrics = render_metrics,
  .consumes = render_consumes,
  .parse = render_conf_parse,
  .validate = render_conf_validate,
  .conf_free = render_conf_free,
  .estimate = render_estimate,
  .deploy = render_deploy,
  .finish = render_report,
  .state_free = render_state_free,
};
