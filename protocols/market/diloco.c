/* diloco.c: closed forms of pipeline and DiLoCo-style training (diloco.h). */
#include "protocols/market/diloco.h"

#include <math.h>

double diloco_bubble_factor(long stages, long micro_batches)
{
  if (stages <= 1 || micro_batches < 1)
    return 1;
  return (double)(micro_batches + stages - 1) / (double)micro_batches;
}

double diloco_ring_allreduce_s(long n, double bytes, double rate_Bps, double lat_s)
{
  if (n < 2)
    return 0;
  double rounds = 2.0 * (double)(n - 1);
  return rounds * (bytes / (double)n / rate_Bps + lat_s);
}

double diloco_ring_allgather_s(long n, double bytes, double rate_Bps, double lat_s)
{
  if (n < 2)
    return 0;
  double rounds = (double)(n - 1);
  return rounds * (bytes / (double)n / rate_Bps + lat_s);
}

double diloco_outer_step_s(long inner_steps, double inner_s, double sync_s, bool overlap)
{
  double local = (double)inner_steps * inner_s;
  return overlap ? fmax(local, sync_s) : local + sync_s;
}

double diloco_comm_per_outer_step_s(long inner_steps, const struct diloco_step *step,
                                    const struct diloco_sync *sync)
{
  return (double)inner_steps * (step->activations_s + step->allreduce_s) + diloco_sync_s(sync);
}

double diloco_speedup(long inner_steps, double allreduce_step_s, double outer_step_s)
{
  if (outer_step_s <= 0)
    return 0;
  return (double)inner_steps * allreduce_step_s / outer_step_s;
}
