/* grass_report.c: what the Grass layer measured, each headline figure beside its analytical
 * bound, and the /grass_nodes table. */
#include <math.h>
#include <simgrid/engine.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/grass/grass_state.h"
#include "protocols/token/inequality.h"
#include "sim/engine/availability.h"

/* Sum over nodes of what each can relay on average: its capacity times the share of time it
 * is up. */
static double usable_capacity(const struct grass *g)
{
  const struct provider_class *pc = &g->world->sc->classes[g->conf->node_class];
  return (double)g->n_nodes * grass_node_capacity(pc->uplink_Bps, pc->downlink_Bps) *
         availability_stationary(pc->mtbf_s, pc->mttr_s);
}

/* The fastest idle-node answer for a page of the median size: a floor for the median. */
static double latency_floor(const struct grass *g)
{
  const struct provider_class *pc = &g->world->sc->classes[g->conf->node_class];
  double best = INFINITY;
  for (size_t j = 0; j < g->n_nodes; j++) {
    const struct grass_node *n = &g->nodes[j];
    best = fmin(best, grass_idle_latency(n->lat_order, n->lat_site_node, n->lat_node_router,
                                         g->conf->size_bytes, pc->downlink_Bps,
                                         pc->uplink_Bps));
  }
  return best;
}

static void report_nodes(const struct grass *g, double *earnings)
{
  static const struct table_column cols[] = {
    {"provider", COL_INT64, ""},       {"served", COL_DOUBLE, "B"},
    {"requests", COL_DOUBLE, ""},      {"claimed", COL_DOUBLE, "B"},
    {"credited", COL_DOUBLE, "B"},     {"earned", COL_DOUBLE, "USD"},
    {"points", COL_DOUBLE, "points"},  {"dishonest", COL_INT64, ""},
    {"caught_at", COL_DOUBLE, "s"},
  };
  table_t *t = metrics_table(g->world->metrics, "grass_nodes", sizeof(cols) / sizeof(cols[0]),
                             cols);
  for (size_t j = 0; j < g->n_nodes; j++) {
    const struct grass_node *n = &g->nodes[j];
    earnings[j] = n->earned_usd;
    union table_cell row[] = {
      {.i = (int64_t)n->provider}, {.d = n->served_bytes},  {.d = n->requests_in_window},
      {.d = n->claimed_bytes},     {.d = n->credited_bytes}, {.d = n->earned_usd},
      {.d = n->points},            {.i = n->dishonest},      {.d = n->caught_at},
    };
    table_append(t, row);
  }
}

static void report_throughput(const struct grass *g, metrics_t *m, double window)
{
  const struct grass_conf *c = g->conf;
  double mean = grass_mean_size(c->size_bytes, c->size_spread);
  double offered = c->rate_per_s * mean, capacity = usable_capacity(g);
  double served = 0;
  for (size_t j = 0; j < g->n_nodes; j++)
    served += g->nodes[j].served_in_window;
  metrics_summary_set(m, "grass_throughput", served / window, "B/s");
  metrics_bound_set(m, "grass_throughput", fmin(offered, capacity), "B/s", BOUND_LIMIT,
                    "min(rate x mean page, N x min(uplink, downlink) / 1.05 x availability)");
  metrics_summary_set(m, "grass_requests_per_s", g->requests_done / window, "/s");
  /* Not capacity / mean page: nodes that fail lose long transfers more often than short ones,
   * so the pages served are smaller than the mean and more of them fit. */
  metrics_bound_set(m, "grass_requests_per_s", c->rate_per_s, "/s", BOUND_LIMIT,
                    "the requests' rate");
  metrics_summary_set(m, "grass_offered", offered, "B/s");
  metrics_summary_set(m, "grass_capacity", capacity, "B/s");
  metrics_summary_set(m, "grass_utilization", served / window / capacity, "");
  metrics_summary_set(m, "grass_latency_p50", hist_quantile(g->latency, 0.5), "s");
  metrics_summary_set(m, "grass_latency_p99", hist_quantile(g->latency, 0.99), "s");
  metrics_bound_set(m, "grass_latency_p50", latency_floor(g), "s", BOUND_FLOOR,
                    "idle node, median page: latencies + page / downlink + page / uplink");
  metrics_summary_set(m, "grass_requests_failed", g->failed, "");
  metrics_summary_set(m, "grass_requests_dropped", g->dropped, "");
}

static void report_claims(const struct grass *g, metrics_t *m)
{
  const struct grass_conf *c = g->conf;
  double dishonest = 0, caught = 0, served = 0, overpaid = 0, checks_to_catch = 0;
  for (size_t j = 0; j < g->n_nodes; j++) {
    const struct grass_node *n = &g->nodes[j];
    served += n->served_bytes;
    if (!n->dishonest || n->epochs_checked == 0)
      continue;
    dishonest++;
    if (n->caught_at >= 0) {
      caught++;
      checks_to_catch += n->epochs_checked; /* the last check caught it */
    }
    overpaid += n->credited_bytes * (1 - 1 / c->claim_factor);
  }
  double gb = served / 1e9;
  metrics_summary_set(m, "grass_reward_per_gb", gb > 0 ? g->paid_usd / gb : 0, "USD/GB");
  metrics_bound_set(m, "grass_reward_per_gb", c->price_per_gb, "USD/GB", BOUND_EXPECTED,
                    "price_per_gb; above it by the over-claims paid");
  double points = 0;
  for (size_t j = 0; j < g->n_nodes; j++)
    points += g->nodes[j].points;
  metrics_summary_set(m, "grass_points_per_gb", gb > 0 ? points / gb : 0, "points/GB");
  metrics_summary_set(m, "grass_false_claims_caught", dishonest > 0 ? caught / dishonest : 0, "");
  metrics_bound_set(m, "grass_false_claims_caught",
                    grass_detect_prob(c->detection, (double)c->samples * g->epochs), "",
                    BOUND_EXPECTED, "1 - (1 - detection)^(samples x epochs): nodes that serve "
                    "in every epoch");
  double q = grass_detect_prob(c->detection, (double)c->samples);
  metrics_summary_set(m, "grass_detection_epochs", caught > 0 ? checks_to_catch / caught : 0, "");
  metrics_bound_set(m, "grass_detection_epochs", grass_detect_mean_epochs(q, g->epochs), "",
                    BOUND_EXPECTED, "geometric with q = 1 - (1 - detection)^samples, truncated "
                    "at the run's epochs: nodes that serve in every epoch");
  metrics_summary_set(m, "grass_overpaid_share", g->credited > 0 ? overpaid / g->credited : 0,
                      "");
}

static void report_proofs(const struct grass *g, metrics_t *m)
{
  if (!g->ledger)
    return;
  double sum = 0, committed = 0;
  for (size_t i = 0; i < g->n_tickets; i++) {
    double at = ledger_ticket_committed_at(g->ledger, g->tickets[i].ticket);
    if (at >= 0) {
      sum += at - g->tickets[i].submitted;
      committed++;
    }
  }
  metrics_summary_set(m, "grass_proof_commit_latency", committed > 0 ? sum / committed : 0, "s");
}

void grass_report(void *state, struct world *w)
{
  struct grass *g = state;
  metrics_t *m = w->metrics;
  double elapsed = simgrid_get_clock() - g->last_close;
  if (elapsed > 1e-9) /* the run's last, partial epoch; its proofs no longer reach the chain */
    grass_close_epoch(g, elapsed, false);
  double *earnings = calloc(g->n_nodes + 1, sizeof(double));
  double *scratch = calloc(g->n_nodes + 1, sizeof(double));
  xbt_assert(earnings && scratch, "out of memory");
  report_nodes(g, earnings);
  metrics_summary_set(m, "grass_gini_earnings", inequality_gini(earnings, g->n_nodes, scratch),
                      "");
  free(earnings);
  free(scratch);
  report_throughput(g, m, w->sc->duration_s - w->sc->warmup_s);
  report_claims(g, m);
  report_proofs(g, m);
}
