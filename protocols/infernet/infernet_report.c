/* infernet_report.c: what the infernet layer measured, each headline figure beside its
 * analytical bound, and the /infernet_nodes table. */
#include <math.h>
#include <xbt/asserts.h>

#include "protocols/infernet/infernet_state.h"

/* Per-request closed forms weighted by each class's expected requests in the window. */
struct expected {
  double requests;       /* expected intervals started in the window */
  double bytes, tx;      /* per request with every delivery accepted */
  double callbacks, fees; /* per request */
  double node_work_s;    /* node seconds the window's intervals ask for, every serving node
                            computing each one */
};

static struct expected expect(const struct infernet *in, double from, double to)
{
  const struct infernet_conf *c = in->conf;
  const struct world *w = in->world;
  size_t provider = w->sc->classes[c->node_class].first_provider;
  struct expected e = {0};
  for (size_t i = 0; i < c->n_subs; i++) {
    const struct infernet_sub_conf *s = &c->subs[i];
    double k = infernet_expected_intervals(s, from, to, w->sc->duration_s);
    double work = infernet_compute_seconds(in, provider, s) + s->proof_s;
    double f = (double)s->frequency, r = (double)s->redundancy;
    e.requests += k;
    e.bytes += k * (infernet_request_bytes(s) / f + r * infernet_delivery_bytes(s));
    e.tx += k * (1 / f + r);
    e.callbacks += k * r;
    e.fees += k * r * s->fee_usd;
    e.node_work_s += k * (double)s->serving * work;
  }
  if (e.requests > 0) {
    e.bytes /= e.requests;
    e.tx /= e.requests;
    e.callbacks /= e.requests;
    e.fees /= e.requests;
  }
  return e;
}

static double per(double a, double b)
{
  return b > 0 ? a / b : 0;
}

/* Each accepted delivery's latency is measured beside what it would have been alone on its
 * node's device: its request's inclusion (one-off) + trail_blocks x block time +
 * watch_interval / 2 (one-off) + process_interval / 2 + container + proof + its delivery's
 * inclusion. The two distributions differ by the containers sharing the device. */
static void report_latency(const struct infernet *in)
{
  metrics_t *m = in->world->metrics;
  static const char *const what =
    "each delivery alone on its node: request inclusion (one-off) + trail x"
    " block_time + watch/2 (one-off) + process/2 + container + proof + delivery inclusion";
  metrics_summary_set(m, "infernet_latency_p50", hist_quantile(in->latency, 0.5), "s");
  metrics_summary_set(m, "infernet_latency_p99", hist_quantile(in->latency, 0.99), "s");
  metrics_summary_set(m, "infernet_latency_mean", hist_mean(in->latency), "s");
  metrics_bound_set(m, "infernet_latency_p50", hist_quantile(in->no_queue, 0.5), "s",
                    BOUND_EXPECTED, what);
  metrics_bound_set(m, "infernet_latency_p99", hist_quantile(in->no_queue, 0.99), "s",
                    BOUND_EXPECTED, what);
  metrics_bound_set(m, "infernet_latency_mean", per(in->no_queue_s, in->accepted), "s",
                    BOUND_EXPECTED, what);
  metrics_summary_set(m, "infernet_request_inclusion_mean", hist_mean(in->request_inclusion),
                      "s");
  metrics_summary_set(m, "infernet_callback_inclusion_mean", hist_mean(in->callback_inclusion),
                      "s");
}

/* Per consumer class: its latencies beside its mean alone on the node (no_queue_mean). */
static void report_classes(const struct infernet *in)
{
  static const struct table_column cols[] = {
    {"class", COL_STRING, ""}, {"callbacks", COL_DOUBLE, ""}, {"latency_p50", COL_DOUBLE, "s"},
    {"latency_p99", COL_DOUBLE, "s"}, {"latency_mean", COL_DOUBLE, "s"},
    {"no_queue_mean", COL_DOUBLE, "s"},
  };
  table_t *t = metrics_table(in->world->metrics, "infernet_classes",
                             sizeof(cols) / sizeof(cols[0]), cols);
  for (size_t i = 0; i < in->conf->n_subs; i++) {
    const struct infernet_class_stats *cs = &in->classes[i];
    union table_cell row[] = {{.s = in->conf->subs[i].name}, {.d = cs->accepted},
                              {.d = hist_quantile(cs->latency, 0.5)},
                              {.d = hist_quantile(cs->latency, 0.99)},
                              {.d = hist_mean(cs->latency)},
                              {.d = per(cs->no_queue_s, cs->accepted)}};
    table_append(t, row);
  }
}

static void report_nodes(const struct infernet *in, double *busy_s)
{
  static const struct table_column cols[] = {
    {"provider", COL_INT64, ""}, {"computed", COL_DOUBLE, ""}, {"accepted", COL_DOUBLE, ""},
    {"reverted", COL_DOUBLE, ""}, {"skipped", COL_DOUBLE, ""}, {"busy", COL_DOUBLE, "s"},
    {"earned", COL_DOUBLE, "USD"}, {"faults", COL_DOUBLE, ""},
  };
  table_t *t = metrics_table(in->world->metrics, "infernet_nodes",
                             sizeof(cols) / sizeof(cols[0]), cols);
  for (size_t j = 0; j < in->n_nodes; j++) {
    const struct infernet_node *n = &in->nodes[j];
    *busy_s += n->busy_s;
    union table_cell row[] = {{.i = (int64_t)n->provider}, {.d = n->computed},
                              {.d = n->accepted}, {.d = n->reverted}, {.d = n->skipped},
                              {.d = n->busy_s}, {.d = n->earned_usd}, {.d = n->faults}};
    table_append(t, row);
  }
}

void infernet_report(void *state, struct world *w)
{
  struct infernet *in = state;
  metrics_t *m = w->metrics;
  double from = w->sc->warmup_s, to = w->sc->duration_s, window = to - from, busy = 0;
  struct expected e = expect(in, from, to);
  report_latency(in);
  report_nodes(in, &busy);
  report_classes(in);
  metrics_summary_set(m, "infernet_requests", in->requests, "");
  metrics_bound_set(m, "infernet_requests", e.requests, "", BOUND_EXPECTED,
                    "sum over classes of rate x the window's interval starts (creation from 0,"
                    " inclusion ignored)");
  metrics_summary_set(m, "infernet_callbacks", in->accepted, "");
  metrics_summary_set(m, "infernet_callbacks_per_request", per(in->accepted, in->requests), "");
  metrics_bound_set(m, "infernet_callbacks_per_request", e.callbacks, "", BOUND_EXPECTED,
                    "redundancy, weighted by requests");
  metrics_summary_set(m, "infernet_callbacks_reverted", in->reverted, "");
  metrics_summary_set(m, "infernet_intervals_skipped", in->skipped, "");
  metrics_summary_set(m, "infernet_chain_bytes_per_request",
                      per(in->request_bytes + in->callback_bytes, in->requests), "B");
  metrics_bound_set(m, "infernet_chain_bytes_per_request", e.bytes, "B", BOUND_FLOOR,
                    "every delivery accepted: request bytes / frequency + redundancy x"
                    " delivery bytes (ABI sizes)");
  metrics_summary_set(m, "infernet_chain_tx_per_request",
                      per(in->request_tx + in->callback_tx, in->requests), "");
  metrics_bound_set(m, "infernet_chain_tx_per_request", e.tx, "", BOUND_FLOOR,
                    "1 / frequency + redundancy");
  double nodes = (double)in->n_nodes;
  metrics_summary_set(m, "infernet_node_utilisation", per(busy, nodes * window), "");
  metrics_bound_set(m, "infernet_node_utilisation", fmin(1, per(e.node_work_s, nodes * window)),
                    "", BOUND_LIMIT,
                    "every serving node computes every interval: sum of intervals x serving x"
                    " (compute + proof) / (nodes x window), at most 1");
  metrics_summary_set(m, "infernet_cost_per_request", per(in->fees_usd, in->requests), "USD");
  metrics_bound_set(m, "infernet_cost_per_request", e.fees, "USD", BOUND_EXPECTED,
                    "redundancy x fee, weighted by requests");
  metrics_summary_set(m, "infernet_proofs_invalid", in->invalid_proofs, "");
}
