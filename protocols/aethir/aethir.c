/* aethir.c: the Aethir layer's deployment, its indexer (players' sessions and AI jobs placed
 * on containers) and its table entry (model in aethir.h, checkers and settlements in
 * aethir_checker.c, results in aethir_report.c).
 *
 * Actors: a players actor per region with players, on the region's gateway; a jobs actor, a
 * checkers' referee and a settlement actor on the control host. Sessions and jobs are holds on
 * a container's slots, kept as records with their start and end: a slot is free again once its
 * hold ended or the container failed after the hold began, so no event marks a session's end
 * and a Poisson stream of exponential sessions is exactly an M/M/c/c loss system. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/aethir/aethir_state.h"
#include "protocols/token/token_layer.h"
#include "sim/base/rng.h"

/* Slack in comparing a round trip with the bound: route latencies are sums of link latencies. */
#define AETHIR_RTT_SLACK_S 1e-12

double aethir_hold_end(const struct aethir *a, size_t k, const struct aethir_hold *h)
{
  const struct provider *p = &a->world->providers[a->containers[k].provider];
  if (p->down_since > h->start) /* it failed during the hold (the last failure, if several) */
    return fmin(h->end, p->down_since);
  return h->end;
}

unsigned aethir_slots_used(const struct aethir *a, size_t k, double t)
{
  const struct aethir_container *c = &a->containers[k];
  unsigned used = 0;
  for (unsigned i = 0; i < c->claimed_slots; i++) {
    const struct aethir_hold *h = &c->holds[i];
    if (h->live && h->start <= t && t < aethir_hold_end(a, k, h))
      used += h->width;
  }
  return used;
}

void aethir_credit(struct aethir *a, size_t k, struct aethir_hold *h, double upto)
{
  struct aethir_container *c = &a->containers[k];
  double end = aethir_hold_end(a, k, h), stop = fmin(end, upto);
  double held = fmax(0, stop - h->settled_to);
  if (h->job)
    c->unpaid_job_gpu_s += held; /* a job holds one GPU */
  else
    c->unpaid_session_s += held;
  double from = fmax(h->settled_to, metrics_warmup(a->world->metrics));
  a->held_slot_s += fmax(0, stop - from) * h->width;
  h->settled_to = fmax(h->settled_to, stop);
  if (end <= upto) {
    c->interrupted += end < h->end;
    h->live = false;
  }
}

/* A free hold record of container k at time t: one never used or one whose hold is over (its
 * unpaid time is kept for the next settlement first). */
static struct aethir_hold *free_hold(struct aethir *a, size_t k, double t)
{
  struct aethir_container *c = &a->containers[k];
  for (unsigned i = 0; i < c->claimed_slots; i++) {
    struct aethir_hold *h = &c->holds[i];
    if (h->live && aethir_hold_end(a, k, h) <= t)
      aethir_credit(a, k, h, t);
    if (!h->live)
      return h;
  }
  xbt_die("container %zu has no free hold record though fewer slots are used than claimed", k);
}

static void hold(struct aethir *a, size_t k, double now, double length, unsigned width, bool job)
{
  struct aethir_hold *h = free_hold(a, k, now);
  *h = (struct aethir_hold){.start = now, .end = now + length, .settled_to = now,
                            .width = width, .job = job, .live = true};
}

static bool listed(const struct aethir *a, size_t k)
{
  return !a->containers[k].evicted && world_provider_is_up(a->world, a->containers[k].provider);
}

/* The indexer's pick for a session: among the listed containers in range not yet tried for
 * it, the least round trip, then the most slots free by the claim (the emptier container).
 * Returns the index into reg->in_range, or -1. */
static long pick_session(struct aethir_region *reg, double now, unsigned long request)
{
  struct aethir *a = reg->a;
  long best = -1;
  unsigned best_free = 0;
  for (size_t i = 0; i < reg->n_in_range; i++) {
    size_t k = reg->in_range[i];
    struct aethir_container *c = &a->containers[k];
    if (best >= 0 && reg->rtt[i] > reg->rtt[best])
      break; /* nearest first: nothing farther can win */
    if (c->tried_for == request || !listed(a, k))
      continue;
    unsigned used = aethir_slots_used(a, k, now);
    if (used < c->believed_slots && c->believed_slots - used > best_free)
      best = (long)i, best_free = c->believed_slots - used;
  }
  return best;
}

/* Places a session: the indexer's pick renders it unless the slot it believed free is a
 * phantom of an over-claim; then the container fails to deliver, the player's client asks the
 * indexer again (counted as undelivered attempts), and the indexer, told by service feedback,
 * believes the container has no more slots than it had in use. No pick: refused. */
static void place_session(struct aethir_region *reg, double now)
{
  struct aethir *a = reg->a;
  struct token_state *tk = token_layer_state(a->world);
  bool counted = metrics_in_window(a->world->metrics, now);
  unsigned long request = ++a->requests;
  a->sessions_offered += counted;
  for (long i; (i = pick_session(reg, now, request)) >= 0;) {
    size_t k = reg->in_range[i];
    struct aethir_container *c = &a->containers[k];
    c->tried_for = request;
    unsigned used = aethir_slots_used(a, k, now);
    if (used + 1 > c->real_slots) {
      c->believed_slots = used; /* service feedback: the indexer trusts what it saw */
      c->undelivered++;
      a->sessions_undelivered += counted;
      continue;
    }
    hold(a, k, now, gsl_ran_exponential(reg->rng, a->conf->session_length_s), 1, false);
    c->sessions++;
    a->sessions_served += counted;
    if (counted)
      hist_add(a->rtt, reg->rtt[i], 1);
    token_record_requests(tk, 0, reg->rtt[i] <= token_latency_bound(tk));
    return;
  }
  a->sessions_refused += counted;
  a->sessions_out_of_range += counted && reg->n_in_range == 0;
}

/* Sessions start as a Poisson stream at the region's rate times the demand scale (1 outside
 * coupled token runs): exponential gaps drawn at the rate of the moment. */
void aethir_players_actor(int argc, char **argv)
{
  struct aethir_region *reg = actors_state(argc, argv);
  struct token_state *tk = token_layer_state(reg->a->world);
  for (;;) {
    double rate = reg->rate_per_s * token_demand_scale(tk);
    if (rate <= 0) {
      sg_actor_sleep_for(reg->a->conf->session_length_s); /* no players now; look again later */
      continue;
    }
    sg_actor_sleep_for(gsl_ran_exponential(reg->rng, 1 / rate));
    token_record_requests(tk, 1, 0);
    place_session(reg, simgrid_get_clock());
  }
}

/* The pick for a job: the listed container not yet tried for it with the most slots free by
 * its claim, at least a GPU's worth (the first found from a rotating start among equals).
 * Returns its index, or -1. */
static long pick_job(struct aethir *a, double now, unsigned long request)
{
  unsigned width = (unsigned)a->conf->sessions_per_gpu, best_free = 0;
  long best = -1;
  for (size_t i = 0; i < a->n_containers; i++) {
    size_t k = (a->job_cursor + i) % a->n_containers;
    if (a->containers[k].tried_for == request || !listed(a, k))
      continue;
    unsigned used = aethir_slots_used(a, k, now), believed = a->containers[k].believed_slots;
    unsigned free_slots = used < believed ? believed - used : 0;
    if (free_slots >= width && free_slots > best_free)
      best = (long)k, best_free = free_slots;
  }
  return best;
}

/* Places a job on its pick, asking again when the pick's GPU was a phantom; none: refused. */
static void place_job(struct aethir *a, double now)
{
  unsigned width = (unsigned)a->conf->sessions_per_gpu;
  bool counted = metrics_in_window(a->world->metrics, now);
  unsigned long request = ++a->requests;
  a->jobs_offered += counted;
  for (long k; (k = pick_job(a, now, request)) >= 0;) {
    struct aethir_container *c = &a->containers[k];
    c->tried_for = request;
    unsigned used = aethir_slots_used(a, (size_t)k, now);
    if (used + width > c->real_slots) {
      c->believed_slots = used;
      c->undelivered++;
      a->jobs_undelivered += counted;
      continue;
    }
    hold(a, (size_t)k, now, c->job_seconds, width, true);
    c->jobs++;
    a->jobs_served += counted;
    a->job_cursor = (a->job_cursor + 1) % a->n_containers;
    return;
  }
  a->job_cursor = (a->job_cursor + 1) % a->n_containers;
  a->jobs_refused += counted;
}

void aethir_jobs_actor(int argc, char **argv)
{
  struct aethir *a = actors_state(argc, argv);
  for (;;) {
    sg_actor_sleep_for(gsl_ran_exponential(a->rng_jobs, 1 / a->conf->job_rate_per_s));
    place_job(a, simgrid_get_clock());
  }
}

/* Over-claimers: each class's non-honest share, drawn exactly (rounded) and shuffled. */
static void assign_dishonest(struct aethir *a, size_t first, size_t n,
                             const struct provider_class *pc)
{
  size_t want = (size_t)llround((1 - pc->behavior[BEHAVIOR_HONEST]) * (double)n);
  size_t *order = malloc((n + 1) * sizeof(size_t));
  xbt_assert(order, "out of memory");
  for (size_t j = 0; j < n; j++)
    order[j] = first + j;
  gsl_rng *rng = rng_stream(a->world->sc->seed, "aethir-behavior", first);
  gsl_ran_shuffle(rng, order, n, sizeof(size_t));
  for (size_t j = 0; j < want; j++)
    a->containers[order[j]].dishonest = true;
  gsl_rng_free(rng);
  free(order);
}

static void deploy_containers(struct aethir *a)
{
  const struct aethir_conf *conf = a->conf;
  const struct scenario *sc = a->world->sc;
  for (size_t i = 0; i < conf->n_containers; i++)
    a->n_containers += (size_t)sc->classes[conf->container_class[i]].count;
  a->containers = calloc(a->n_containers + 1, sizeof(*a->containers));
  xbt_assert(a->containers, "out of memory");
  size_t k = 0;
  for (size_t i = 0; i < conf->n_containers; i++) {
    const struct provider_class *pc = &sc->classes[conf->container_class[i]];
    size_t first = k;
    for (long j = 0; j < pc->count; j++, k++)
      a->containers[k] = (struct aethir_container){
        .provider = pc->first_provider + (size_t)j, .caught_at = -1};
    assign_dishonest(a, first, (size_t)pc->count, pc);
    for (size_t m = first; m < k; m++) {
      struct aethir_container *c = &a->containers[m];
      c->real_gpus = (unsigned)pc->gpus_per_node;
      c->claimed_gpus = c->dishonest ? (unsigned)llround(pc->gpus_per_node * conf->claim_factor)
                                     : c->real_gpus;
      c->real_slots = c->real_gpus * (unsigned)conf->sessions_per_gpu;
      c->claimed_slots = c->believed_slots = c->claimed_gpus * (unsigned)conf->sessions_per_gpu;
      c->holds = calloc(c->claimed_slots + 1, sizeof(*c->holds));
      xbt_assert(c->holds, "out of memory");
    }
  }
}

static int by_rtt(const void *x, const void *y)
{
  const double *a = x, *b = y; /* pairs (rtt, index) */
  if (a[0] != b[0])
    return a[0] < b[0] ? -1 : 1;
  return (a[1] > b[1]) - (a[1] < b[1]);
}

/* The containers within max_rtt of the region's gateway, nearest first. */
static void find_in_range(struct aethir *a, struct aethir_region *reg)
{
  double *pairs = malloc((2 * a->n_containers + 2) * sizeof(double));
  reg->in_range = malloc((a->n_containers + 1) * sizeof(size_t));
  reg->rtt = malloc((a->n_containers + 1) * sizeof(double));
  xbt_assert(pairs && reg->in_range && reg->rtt, "out of memory");
  size_t n = 0;
  for (size_t k = 0; k < a->n_containers; k++) {
    sg_host_t host = a->world->providers[a->containers[k].provider].host;
    double rtt = aethir_rtt(sg_host_get_route_latency(reg->gateway, host));
    if (rtt <= a->conf->max_rtt_s + AETHIR_RTT_SLACK_S) {
      pairs[2 * n] = rtt, pairs[2 * n + 1] = (double)k;
      n++;
    }
  }
  qsort(pairs, n, 2 * sizeof(double), by_rtt);
  for (size_t i = 0; i < n; i++) {
    reg->rtt[i] = pairs[2 * i];
    reg->in_range[i] = (size_t)pairs[2 * i + 1];
  }
  reg->n_in_range = n;
  free(pairs);
}

static void deploy_regions(struct aethir *a)
{
  struct world *w = a->world;
  char name[96];
  a->n_regions = w->sc->n_regions;
  a->regions = calloc(a->n_regions + 1, sizeof(*a->regions));
  xbt_assert(a->regions, "out of memory");
  for (size_t r = 0; r < a->n_regions; r++) {
    struct aethir_region *reg = &a->regions[r];
    snprintf(name, sizeof(name), "%s-gateway", w->sc->regions[r].name);
    sg_host_t gateway = sg_host_by_name(name);
    *reg = (struct aethir_region){.a = a, .index = r, .rate_per_s = a->conf->session_rate[r],
                                  .gateway = gateway ? gateway : world_control_host(w)};
    find_in_range(a, reg);
    if (reg->rate_per_s <= 0)
      continue;
    reg->rng = rng_stream(w->sc->seed, "aethir-players", r);
    snprintf(name, sizeof(name), "aethir-players-%zu", r);
    actors_start(name, reg->gateway, reg, aethir_players_actor, false);
  }
}

/* One job's time on one GPU of each container (its device's calibrated rate). */
static void job_seconds(struct aethir *a)
{
  for (size_t k = 0; k < a->n_containers; k++) {
    const struct provider *p = &a->world->providers[a->containers[k].provider];
    a->containers[k].job_seconds = profile_compute_seconds(
      p->device, a->conf->job_precision, a->conf->job_flops, 1, a->world->sc->efficiency);
  }
}

/* Real slots held by sessions and jobs right now, for the time series. */
static double series_slots_held(void *state)
{
  const struct aethir *a = state;
  double now = simgrid_get_clock(), held = 0;
  for (size_t k = 0; k < a->n_containers; k++)
    held += aethir_slots_used(a, k, now);
  return held;
}

static void *aethir_deploy(struct world *w, const void *conf)
{
  const struct aethir_conf *c = conf;
  struct aethir *a = calloc(1, sizeof(*a));
  xbt_assert(a, "out of memory");
  *a = (struct aethir){.world = w, .conf = c, .ledger = world_layer_state(w, "ledger")};
  a->rng_jobs = rng_stream(w->sc->seed, "aethir-jobs", 0);
  a->rng_check = rng_stream(w->sc->seed, "aethir-check", 0);
  a->rtt = metrics_hist(w->metrics, "aethir_rtt", "s");
  deploy_containers(a);
  deploy_regions(a);
  job_seconds(a);
  sg_host_t control = world_control_host(w);
  if (c->job_rate_per_s > 0 && a->n_containers > 0)
    actors_start("aethir-jobs", control, a, aethir_jobs_actor, false);
  actors_start("aethir-checkers", control, a, aethir_checker_actor, false);
  actors_start("aethir-settlement", control, a, aethir_settlement_actor, false);
  metrics_series_add(w->metrics, "aethir_slots_held", "", SERIES_GAUGE, series_slots_held, a);
  return a;
}

static void aethir_state_free(void *state)
{
  struct aethir *a = state;
  if (!a)
    return;
  for (size_t k = 0; k < a->n_containers; k++)
    free(a->containers[k].holds);
  for (size_t r = 0; r < a->n_regions; r++) {
    free(a->regions[r].in_range);
    free(a->regions[r].rtt);
    if (a->regions[r].rng)
      gsl_rng_free(a->regions[r].rng);
  }
  gsl_rng_free(a->rng_jobs);
  gsl_rng_free(a->rng_check);
  free(a->containers);
  free(a->regions);
  free(a->tickets);
  free(a);
}

static const struct metric_def aethir_metrics[] = {
  {"aethir_sessions_served", UNIT_NUMBER, "", "game sessions placed and delivered (window)"},
  {"aethir_sessions_refused", UNIT_NUMBER, "",
   "sessions no container in range could take by its claim (window)"},
  {"aethir_sessions_out_of_range", UNIT_NUMBER, "",
   "refused sessions of regions with no container within max_rtt (window)"},
  {"aethir_undelivered", UNIT_NUMBER, "",
   "placements on an over-claimer's phantom slots, asked again elsewhere (window)"},
  {"aethir_blocking", UNIT_NUMBER, "", "share of sessions refused (window)"},
  {"aethir_rtt_p50", UNIT_TIME, "s", "served sessions' round trip to the player, median"},
  {"aethir_rtt_p99", UNIT_TIME, "s", "served sessions' round trip, 99th percentile"},
  {"aethir_sessions_interrupted", UNIT_NUMBER, "",
   "sessions and jobs cut by their container's failure (whole run)"},
  {"aethir_jobs_served", UNIT_NUMBER, "", "AI jobs placed and delivered (window)"},
  {"aethir_jobs_refused", UNIT_NUMBER, "", "AI jobs no container had a free GPU for (window)"},
  {"aethir_claimed_gpus", UNIT_NUMBER, "", "GPUs the containers claimed at launch"},
  {"aethir_capacity_proven", UNIT_NUMBER, "",
   "real / claimed GPUs of the containers still listed at the end"},
  {"aethir_detection_rate", UNIT_NUMBER, "", "share of over-claiming containers caught"},
  {"aethir_detection_rounds", UNIT_NUMBER, "",
   "check rounds an over-claimer took to be caught, mean over those caught"},
  {"aethir_check_cost", UNIT_NUMBER, "USD", "what the capacity checks cost over the run"},
  {"aethir_check_cost_per_catch", UNIT_NUMBER, "USD", "check cost per over-claimer caught"},
  {"aethir_checks_per_checker_hour", UNIT_NUMBER, "/h",
   "capacity checks a checker node runs an hour"},
  {"aethir_paid_usd", UNIT_NUMBER, "USD", "service fees paid to containers over the run"},
  {"aethir_gpu_utilization", UNIT_NUMBER, "",
   "real slots held by sessions and jobs / real slots (window)"},
  {"aethir_settlement_commit_latency", UNIT_TIME, "s",
   "a settlement to its receipts' commit on the ledger, mean (with a ledger)"},
  {NULL, 0, NULL, NULL},
};

/* Its settlements go on the ledger when the scenario has one. */
static const char *const aethir_consumes[] = {"ledger", NULL};

const struct depin_layer aethir_layer = {
  .name = "aethir",
  .metrics = aethir_metrics,
  .consumes = aethir_consumes,
  .parse = aethir_conf_parse,
  .validate = aethir_conf_validate,
  .conf_free = aethir_conf_free,
  .estimate = aethir_estimate,
  .deploy = aethir_deploy,
  .finish = aethir_report,
  .state_free = aethir_state_free,
};
