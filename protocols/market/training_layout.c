/* training_layout.c: where each node of a training cluster sits (cluster, replica, pipeline
 * stage) and what its phases should take on the simulated network (the closed forms of
 * diloco.h, fed with rates read off the routes by flowshare.h).
 *
 * The nodes are sorted by region, then provider, as a topology-aware launcher would place
 * them: a cluster of DiLoCo is a run of consecutive nodes, so it lands in one region when the
 * providers allow, and a ring spread over regions crosses each wide-area link twice rather than
 * at every hop. Position k of the sorted order is cluster k / (D x P), replica (k / P) mod D
 * inside it, stage k mod P. */
#include <math.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/market/flowshare.h"
#include "protocols/market/training.h"

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

static size_t at(const struct job *j, long cluster, long replica, long stage)
{
  return j->position[((size_t)cluster * (size_t)j->per_cluster + (size_t)replica) *
                       (size_t)j->stages + (size_t)stage];
}

static sg_host_t host_of(const struct job *j, size_t slot)
{
  return j->market->world->providers[j->nodes[slot].lease->provider].host;
}

/* Which flow of a node a closed form is about. */
enum flow { FLOW_RING, FLOW_OUTER, FLOW_STAGE, FLOW_GLOBAL_RING };

/* The global ring of a plain all-reduce over all R replicas of the node's stage, for the
 * baseline: replica r (cluster-major) sends to r + 1. */
static size_t global_next(const struct job *j, const struct node *nd)
{
  long r = nd->cluster * j->per_cluster + nd->replica, next = (r + 1) % j->replicas;
  return at(j, next / j->per_cluster, next % j->per_cluster, nd->stage);
}

/* The rate and latency of one kind of concurrent flows, over every node of the job. */
static double rate_of(const struct job *j, enum flow kind, double *lat)
{
  size_t n = (size_t)j->n_nodes, count = 0;
  sg_host_t *src = malloc(2 * n * sizeof(*src)), *dst = malloc(2 * n * sizeof(*dst));
  xbt_assert(src && dst, "out of memory");
  for (size_t i = 0; i < n; i++) {
    const struct node *nd = &j->nodes[i];
    size_t to[2] = {TRAINING_NO_SLOT, TRAINING_NO_SLOT};
    if (kind == FLOW_RING)
      to[0] = nd->ring_next;
    else if (kind == FLOW_OUTER)
      to[0] = nd->outer_next;
    else if (kind == FLOW_GLOBAL_RING)
      to[0] = global_next(j, nd);
    else
      to[0] = nd->stage_next, to[1] = nd->stage_prev;
    for (int k = 0; k < 2; k++)
      if (to[k] != TRAINING_NO_SLOT && to[k] != i) {
        src[count] = host_of(j, i);
        dst[count++] = host_of(j, to[k]);
      }
  }
  double rate = flowshare_equal_rate(src, dst, count, lat);
  free(src);
  free(dst);
  return rate;
}

/* The slowest node's compute of one step, bubble included. */
static double slowest_compute(const struct job *j)
{
  const struct world *w = j->market->world;
  double slowest = 0;
  for (long i = 0; i < j->n_nodes; i++) {
    const struct provider *p = &w->providers[j->nodes[i].lease->provider];
    const struct provider_class *pc = &w->sc->classes[p->class_index];
    slowest = fmax(slowest, profile_compute_seconds(p->device, j->spec->precision,
                                                    j->node_step_flops, pc->gpus_per_node,
                                                    w->sc->efficiency));
  }
  return slowest * diloco_bubble_factor(j->stages, j->spec->micro_batches);
}

static void closed_forms(struct job *j)
{
  double lat, rate, stage_bytes = j->grad_bytes / (double)j->stages;
  j->step_cf.compute_s = slowest_compute(j);
  j->step_cf.activations_s = 0;
  if (j->stages > 1) {
    rate = rate_of(j, FLOW_STAGE, &lat);
    j->step_cf.activations_s = j->activation_bytes / rate + lat;
  }
  rate = rate_of(j, FLOW_RING, &lat);
  j->step_cf.allreduce_s = diloco_ring_allreduce_s(j->per_cluster, stage_bytes, rate, lat);
  j->sync_cf = (struct diloco_sync){0, 0};
  if (j->spec->algorithm == TRAIN_DILOCO) {
    j->sync_cf.allgather_s = diloco_ring_allgather_s(j->per_cluster, stage_bytes, rate, lat);
    rate = rate_of(j, FLOW_OUTER, &lat);
    j->sync_cf.outer_s = diloco_ring_allreduce_s(j->clusters, j->outer_shard_bytes, rate, lat);
  }
  j->allreduce_cf = j->step_cf;
  rate = rate_of(j, FLOW_GLOBAL_RING, &lat);
  j->allreduce_cf.allreduce_s = diloco_ring_allreduce_s(j->replicas, stage_bytes, rate, lat);
}

void training_plan(struct job *j)
{
  if (j->layout_attempt == j->attempt + 1)
    return;
  size_t n = (size_t)j->n_nodes;
  for (size_t i = 0; i < n; i++)
    j->position[i] = i;
  qsort_r(j->position, n, sizeof(size_t), by_region, j);
  for (size_t k = 0; k < n; k++) {
    struct node *nd = &j->nodes[j->position[k]];
    long in_cluster = (long)k % (j->per_cluster * j->stages);
    nd->cluster = (long)k / (j->per_cluster * j->stages);
    nd->replica = in_cluster / j->stages;
    nd->stage = in_cluster % j->stages;
  }
  for (size_t i = 0; i < n; i++) {
    struct node *nd = &j->nodes[i];
    long c = nd->cluster, d = nd->replica, s = nd->stage;
    nd->ring_next = at(j, c, (d + 1) % j->per_cluster, s);
    nd->outer_next = at(j, (c + 1) % j->clusters, d, s);
    nd->stage_next = s + 1 < j->stages ? at(j, c, d, s + 1) : TRAINING_NO_SLOT;
    nd->stage_prev = s > 0 ? at(j, c, d, s - 1) : TRAINING_NO_SLOT;
  }
  closed_forms(j);
  j->layout_attempt = j->attempt + 1;
}
