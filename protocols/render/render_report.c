/* render_report.c: what the render layer measured, each headline figure beside its analytical
 * bound, and the /render_nodes and /render_tiers tables. */
#include <math.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/render/render_state.h"
#include "sim/base/pqueue.h"
#include "sim/engine/availability.h"

double render_job_floor(const struct render *r, size_t j)
{
  const struct render_job_conf *jc = &r->conf->jobs[j];
  pqueue_t *q = pqueue_new();
  xbt_assert(q, "out of memory");
  for (size_t k = 0; k < r->n_nodes; k++) {
    const struct render_node *n = &r->nodes[k];
    if (render_serves(r, n, jc->tier_index))
      pqueue_push(q, render_frame_seconds(jc->obh_per_frame, n->score), k);
  }
  double end = 0;
  for (long f = 0; f < jc->frames && pqueue_size(q) > 0; f++) {
    struct pqueue_item it = pqueue_pop(q); /* the node that finishes this frame first */
    end = fmax(end, it.key);
    pqueue_push(q, it.key + render_frame_seconds(jc->obh_per_frame, r->nodes[it.id].score),
                it.id);
  }
  pqueue_free(q);
  return end;
}

/* Sum over nodes of score x the share of time its class is up, in OBh per second. */
static double capacity_obh_per_s(const struct render *r)
{
  double sum = 0;
  for (size_t k = 0; k < r->n_nodes; k++) {
    const struct provider_class *pc =
      &r->world->sc->classes[r->world->providers[r->nodes[k].provider].class_index];
    sum += r->nodes[k].score * availability_stationary(pc->mtbf_s, pc->mttr_s);
  }
  return sum / RENDER_S_PER_HOUR;
}

static void report_nodes(const struct render *r, double window)
{
  static const struct table_column cols[] = {
    {"provider", COL_INT64, ""},  {"score", COL_DOUBLE, "OB"},   {"frames", COL_DOUBLE, ""},
    {"obh", COL_DOUBLE, "OBh"},   {"earned", COL_DOUBLE, "USD"}, {"busy", COL_DOUBLE, ""},
  };
  table_t *t = metrics_table(r->world->metrics, "render_nodes", sizeof(cols) / sizeof(cols[0]),
                             cols);
  for (size_t k = 0; k < r->n_nodes; k++) {
    const struct render_node *n = &r->nodes[k];
    union table_cell row[] = {
      {.i = (int64_t)n->provider}, {.d = n->score},      {.d = n->frames},
      {.d = n->obh},               {.d = n->earned_usd}, {.d = n->busy_s / window},
    };
    table_append(t, row);
  }
}

static void report_tiers(const struct render *r)
{
  static const struct table_column cols[] = {
    {"tier", COL_STRING, ""},         {"price_per_obh", COL_DOUBLE, "USD"},
    {"min_score", COL_DOUBLE, "OB"},  {"nodes", COL_INT64, ""},
    {"jobs", COL_DOUBLE, ""},         {"frames", COL_DOUBLE, ""},
    {"obh", COL_DOUBLE, "OBh"},       {"usd", COL_DOUBLE, "USD"},
    {"job_time_mean", COL_DOUBLE, "s"}, {"job_time_p99", COL_DOUBLE, "s"},
    {"wait_mean", COL_DOUBLE, "s"},
  };
  table_t *t = metrics_table(r->world->metrics, "render_tiers", sizeof(cols) / sizeof(cols[0]),
                             cols);
  for (size_t i = 0; i < r->conf->n_tiers; i++) {
    const struct render_tier_stats *ts = &r->tiers[i];
    int64_t nodes = 0;
    for (size_t k = 0; k < r->n_nodes; k++)
      nodes += render_serves(r, &r->nodes[k], i);
    union table_cell row[] = {
      {.s = r->conf->tiers[i].name},
      {.d = r->conf->tiers[i].price_per_obh},
      {.d = r->conf->tiers[i].min_score},
      {.i = nodes},
      {.d = ts->jobs},
      {.d = ts->frames},
      {.d = ts->obh},
      {.d = ts->usd},
      {.d = hist_mean(ts->job_time)},
      {.d = hist_quantile(ts->job_time, 0.99)},
      {.d = ts->jobs > 0 ? ts->wait_s / ts->jobs : 0},
    };
    table_append(t, row);
  }
}

/* OBh the classes bring per second, and the tiers' prices weighted by it. */
static double offered_obh_per_s(const struct render *r, double *price)
{
  double obh = 0, usd = 0;
  for (size_t i = 0; i < r->conf->n_jobs; i++) {
    const struct render_job_conf *j = &r->conf->jobs[i];
    double rate = render_offered_jobs_per_s(j, r->world->sc->duration_s) * (double)j->frames *
                  j->obh_per_frame;
    obh += rate;
    usd += rate * r->conf->tiers[j->tier_index].price_per_obh;
  }
  *price = obh > 0 ? usd / obh : 0;
  return obh;
}

static void report_jobs(const struct render *r, metrics_t *m, double window)
{
  double floor_sum = 0, offered_jobs = 0, wait = 0;
  for (size_t i = 0; i < r->conf->n_jobs; i++) {
    if (r->class_done[i] > 0)
      floor_sum += r->class_done[i] * render_job_floor(r, i);
    offered_jobs += render_offered_jobs_per_s(&r->conf->jobs[i], r->world->sc->duration_s);
  }
  for (size_t t = 0; t < r->conf->n_tiers; t++)
    wait += r->tiers[t].wait_s;
  metrics_summary_set(m, "render_job_time_p50", hist_quantile(r->job_time, 0.5), "s");
  metrics_summary_set(m, "render_job_time_p99", hist_quantile(r->job_time, 0.99), "s");
  metrics_summary_set(m, "render_job_time_mean", hist_mean(r->job_time), "s");
  if (r->jobs_done > 0)
    metrics_bound_set(m, "render_job_time_mean", floor_sum / r->jobs_done, "s", BOUND_FLOOR,
                      "each job alone on its tier's nodes, each frame on the node that ends it "
                      "first (ceil(F / N) x W x 3600 / S on N equal nodes), no transfers");
  metrics_summary_set(m, "render_jobs_done", r->jobs_done, "");
  metrics_summary_set(m, "render_jobs_per_s", r->jobs_done / window, "/s");
  metrics_bound_set(m, "render_jobs_per_s", offered_jobs, "/s", BOUND_EXPECTED,
                    "the classes' rates (their counts spread over the run), when the nodes keep "
                    "up");
  metrics_summary_set(m, "render_queue_wait_mean", r->jobs_done > 0 ? wait / r->jobs_done : 0,
                      "s");
}

static void report_work(const struct render *r, metrics_t *m, double window)
{
  double price = 0, offered = offered_obh_per_s(r, &price), capacity = capacity_obh_per_s(r);
  double rendered = r->obh_done / window;
  metrics_summary_set(m, "render_frames_per_s", r->frames_done / window, "/s");
  metrics_summary_set(m, "render_obh_per_s", rendered, "OBh/s");
  metrics_bound_set(m, "render_obh_per_s", capacity, "OBh/s", BOUND_LIMIT,
                    "sum of node scores x availability / 3600 (the offered OBh, an expectation, "
                    "is render_offered_obh_per_s)");
  metrics_summary_set(m, "render_offered_obh_per_s", offered, "OBh/s");
  metrics_summary_set(m, "render_capacity_obh_per_s", capacity, "OBh/s");
  metrics_summary_set(m, "render_utilization", capacity > 0 ? rendered / capacity : 0, "");
  metrics_summary_set(m, "render_paid_usd", r->paid_usd, "USD");
  metrics_summary_set(m, "render_usd_per_obh", r->obh_paid > 0 ? r->paid_usd / r->obh_paid : 0,
                      "USD/OBh");
  metrics_bound_set(m, "render_usd_per_obh", price, "USD/OBh", BOUND_EXPECTED,
                    "the tiers' prices weighted by the OBh offered at each");
  metrics_summary_set(m, "render_frames_lost", r->frames_lost, "");
}

static void report_burns(const struct render *r, metrics_t *m)
{
  if (!r->ledger)
    return;
  double sum = 0, committed = 0;
  for (size_t i = 0; i < r->n_burns; i++) {
    double at = ledger_ticket_committed_at(r->ledger, r->burns[i].ticket);
    if (at >= 0) {
      sum += at - r->burns[i].submitted;
      committed++;
    }
  }
  metrics_summary_set(m, "render_burn_commit_latency", committed > 0 ? sum / committed : 0, "s");
}

void render_report(void *state, struct world *w)
{
  struct render *r = state;
  double window = w->sc->duration_s - w->sc->warmup_s;
  report_jobs(r, w->metrics, window);
  report_work(r, w->metrics, window);
  report_nodes(r, window);
  report_tiers(r);
  report_burns(r, w->metrics);
}
