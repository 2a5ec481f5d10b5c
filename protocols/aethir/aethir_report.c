/* aethir_report.c: what the Aethir layer measured, each headline figure beside its analytical
 * bound, and the /aethir_containers table. */
#include <math.h>
#include <simgrid/engine.h>
#include <stdlib.h>

#include "protocols/aethir/aethir_state.h"

static void report_containers(const struct aethir *a)
{
  static const struct table_column cols[] = {
    {"provider", COL_INT64, ""},      {"real_gpus", COL_INT64, ""},
    {"claimed_gpus", COL_INT64, ""},  {"dishonest", COL_INT64, ""},
    {"sessions", COL_DOUBLE, ""},     {"jobs", COL_DOUBLE, ""},
    {"undelivered", COL_DOUBLE, ""},  {"interrupted", COL_DOUBLE, ""},
    {"earned", COL_DOUBLE, "USD"},    {"rounds_checked", COL_INT64, ""},
    {"caught_at", COL_DOUBLE, "s"},
  };
  table_t *t = metrics_table(a->world->metrics, "aethir_containers",
                             sizeof(cols) / sizeof(cols[0]), cols);
  for (size_t k = 0; k < a->n_containers; k++) {
    const struct aethir_container *c = &a->containers[k];
    union table_cell row[] = {
      {.i = (int64_t)c->provider}, {.i = c->real_gpus},       {.i = c->claimed_gpus},
      {.i = c->dishonest},         {.d = c->sessions},        {.d = c->jobs},
      {.d = c->undelivered},       {.d = c->interrupted},     {.d = c->earned_usd},
      {.i = c->rounds_checked},    {.d = c->caught_at},
    };
    table_append(t, row);
  }
}

/* The least round trip any region with players has to its nearest container: a floor for the
 * median. */
static double rtt_floor(const struct aethir *a)
{
  double best = INFINITY;
  for (size_t r = 0; r < a->n_regions; r++)
    if (a->regions[r].rate_per_s > 0 && a->regions[r].n_in_range > 0)
      best = fmin(best, a->regions[r].rtt[0]);
  return isfinite(best) ? best : 0;
}

/* A floor for the share of sessions refused: each region's players, alone on every real slot
 * within their range, would be refused B(slots, rate x length) of the time (Erlang B, which
 * does not depend on the holding time's law); other regions' players, jobs, failures and
 * phantom slots only take slots from them. A region with no container in range loses all. */
static double blocking_floor(const struct aethir *a)
{
  double rate = 0, lost = 0;
  for (size_t r = 0; r < a->n_regions; r++) {
    const struct aethir_region *reg = &a->regions[r];
    long slots = 0;
    for (size_t i = 0; i < reg->n_in_range; i++)
      slots += a->containers[reg->in_range[i]].real_slots;
    rate += reg->rate_per_s;
    lost += reg->rate_per_s * aethir_erlang_b(slots, reg->rate_per_s * a->conf->session_length_s);
  }
  return rate > 0 ? lost / rate : 0;
}

static void report_sessions(const struct aethir *a, metrics_t *m, double window)
{
  const struct aethir_conf *c = a->conf;
  long slots = 0;
  double interrupted = 0;
  for (size_t k = 0; k < a->n_containers; k++) {
    slots += a->containers[k].real_slots;
    interrupted += a->containers[k].interrupted;
  }
  metrics_summary_set(m, "aethir_sessions_interrupted", interrupted, "");
  metrics_summary_set(m, "aethir_sessions_served", a->sessions_served, "");
  metrics_summary_set(m, "aethir_sessions_refused", a->sessions_refused, "");
  metrics_summary_set(m, "aethir_sessions_out_of_range", a->sessions_out_of_range, "");
  metrics_summary_set(m, "aethir_undelivered", a->sessions_undelivered + a->jobs_undelivered,
                      "");
  metrics_summary_set(m, "aethir_blocking",
                      a->sessions_offered > 0 ? a->sessions_refused / a->sessions_offered : 0, "");
  metrics_bound_set(m, "aethir_blocking", blocking_floor(a), "", BOUND_FLOOR,
                    "sum over regions of rate x Erlang B(real slots in range, rate x mean length) "
                    "/ total rate: each region alone, no jobs or failures");
  metrics_summary_set(m, "aethir_rtt_p50", hist_quantile(a->rtt, 0.5), "s");
  metrics_summary_set(m, "aethir_rtt_p99", hist_quantile(a->rtt, 0.99), "s");
  metrics_bound_set(m, "aethir_rtt_p50", rtt_floor(a), "s", BOUND_FLOOR,
                    "2 x route latency from a players' gateway to its nearest container");
  metrics_bound_set(m, "aethir_rtt_p99", c->max_rtt_s, "s", BOUND_LIMIT, "sessions.max_rtt");
  metrics_summary_set(m, "aethir_jobs_served", a->jobs_served, "");
  metrics_summary_set(m, "aethir_jobs_refused", a->jobs_refused, "");
  metrics_summary_set(m, "aethir_gpu_utilization",
                      slots > 0 && window > 0 ? a->held_slot_s / ((double)slots * window) : 0, "");
  metrics_bound_set(m, "aethir_gpu_utilization", 1, "", BOUND_LIMIT, "every real slot held");
}

static void report_checks(const struct aethir *a, metrics_t *m, double duration)
{
  const struct aethir_conf *c = a->conf;
  double claimed = 0, listed_real = 0, listed_claimed = 0, honest_real = 0;
  double dishonest = 0, caught = 0, rounds_to_catch = 0, dishonest_real = 0, dishonest_claim = 0;
  for (size_t k = 0; k < a->n_containers; k++) {
    const struct aethir_container *ct = &a->containers[k];
    claimed += ct->claimed_gpus;
    if (!ct->evicted)
      listed_real += ct->real_gpus, listed_claimed += ct->claimed_gpus;
    if (!ct->dishonest) {
      honest_real += ct->real_gpus;
      continue;
    }
    dishonest++;
    dishonest_real += ct->real_gpus, dishonest_claim += ct->claimed_gpus;
    if (ct->caught_at >= 0)
      caught++, rounds_to_catch += ct->rounds_checked; /* the last round caught it */
  }
  double q = aethir_majority_detect(c->detection, c->quorum);
  double within = aethir_caught_within(q, a->check_rounds);
  metrics_summary_set(m, "aethir_claimed_gpus", claimed, "");
  metrics_summary_set(m, "aethir_capacity_proven",
                      listed_claimed > 0 ? listed_real / listed_claimed : 0, "");
  double left = 1 - within; /* share of over-claimers still listed */
  metrics_bound_set(m, "aethir_capacity_proven",
                    (honest_real + left * dishonest_real) / (honest_real + left * dishonest_claim),
                    "", BOUND_EXPECTED, "(honest GPUs + (1 - D) real GPUs of over-claimers) / "
                    "(honest GPUs + (1 - D) their claims), D the detection bound");
  metrics_summary_set(m, "aethir_detection_rate", dishonest > 0 ? caught / dishonest : 0, "");
  metrics_bound_set(m, "aethir_detection_rate", within, "", BOUND_EXPECTED,
                    "1 - (1 - q)^rounds, q = P(Binomial(2N + 1, p) >= N + 1): containers up "
                    "at every round");
  metrics_summary_set(m, "aethir_detection_rounds", caught > 0 ? rounds_to_catch / caught : 0,
                      "");
  metrics_bound_set(m, "aethir_detection_rounds",
                    aethir_mean_rounds_to_catch(q, a->check_rounds), "", BOUND_EXPECTED,
                    "geometric with q, truncated at the run's rounds");
  double cost = a->checks * c->cost_per_check;
  metrics_summary_set(m, "aethir_check_cost", cost, "USD");
  metrics_summary_set(m, "aethir_check_cost_per_catch", caught > 0 ? cost / caught : 0, "USD");
  metrics_summary_set(m, "aethir_checks_per_checker_hour",
                      a->checks / (double)c->checkers / (duration / 3600), "/h");
  metrics_summary_set(m, "aethir_paid_usd", a->paid_usd, "USD");
}

static void report_settlements(const struct aethir *a, metrics_t *m)
{
  if (!a->ledger)
    return;
  double sum = 0, committed = 0;
  for (size_t i = 0; i < a->n_tickets; i++) {
    double at = ledger_ticket_committed_at(a->ledger, a->tickets[i].ticket);
    if (at >= 0) {
      sum += at - a->tickets[i].submitted;
      committed++;
    }
  }
  metrics_summary_set(m, "aethir_settlement_commit_latency", committed > 0 ? sum / committed : 0,
                      "s");
}

void aethir_report(void *state, struct world *w)
{
  struct aethir *a = state;
  metrics_t *m = w->metrics;
  aethir_settle(a, simgrid_get_clock(), false); /* the run's last, partial settlement */
  report_containers(a);
  report_sessions(a, m, w->sc->duration_s - w->sc->warmup_s);
  report_checks(a, m, w->sc->duration_s);
  report_settlements(a, m);
}
