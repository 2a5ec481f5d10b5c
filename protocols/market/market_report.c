/* market_report.c: what the market layer measured, beside its bounds, and its tables
 * (/leases, /jobs). */
#include <math.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>

#include "protocols/market/queueing.h"
#include "protocols/market/service.h"
#include "protocols/market/training.h"

const struct metric_def market_metrics[] = {
  {"inference_latency_p50", UNIT_TIME, "s", "request arrival to response at the client, median"},
  {"inference_latency_p99", UNIT_TIME, "s", "request arrival to response, 99th percentile"},
  {"inference_wait_mean", UNIT_TIME, "s", "queueing delay of a request before a node starts it"},
  {"inference_queue_mean", UNIT_NUMBER, "", "requests waiting, sampled every batch_interval"},
  {"inference_arrival_rate", UNIT_RATE, "/s", "requests arrived per second in the window"},
  {"inference_requests", UNIT_NUMBER, "", "requests placed on a node in the window"},
  {"inference_requests_lost", UNIT_NUMBER, "", "requests unfinished on a node that failed"},
  {"frame_latency_p50", UNIT_TIME, "s", "rendering: frame arrival to result, median"},
  {"frame_latency_p99", UNIT_TIME, "s", "rendering: frame arrival to result, 99th percentile"},
  {"frames", UNIT_NUMBER, "", "frames placed in the window"},
  {"training_jobs_done", UNIT_NUMBER, "", "training jobs finished"},
  {"job_completion_p50", UNIT_TIME, "s", "training job submission to finish, median"},
  {"job_completion_p99", UNIT_TIME, "s", "training job submission to finish, 99th percentile"},
  {"training_queue_delay", UNIT_TIME, "s", "mean submission to first full cluster"},
  {"training_steps", UNIT_NUMBER, "", "training steps completed in the window, all jobs"},
  {"training_step_time", UNIT_TIME, "s", "mean step time (compute + gradient all-reduce)"},
  {"training_allreduce_time", UNIT_TIME, "s", "mean ring all-reduce time of a step"},
  {"training_comm_fraction", UNIT_NUMBER, "", "share of step time not spent computing"},
  {"training_activation_time", UNIT_TIME, "s", "mean stage-to-stage activation exchange of a step"},
  {"training_tokens_per_s", UNIT_RATE, "/s", "tokens trained per second of steps and syncs"},
  {"training_outer_steps", UNIT_NUMBER, "", "DiLoCo outer steps (H inner steps + sync) done"},
  {"training_outer_step_time", UNIT_TIME, "s", "mean steady DiLoCo outer step, H steps + sync"},
  {"training_outer_sync_time", UNIT_TIME, "s", "mean outer sync: cross-cluster ring + all-gather"},
  {"training_comm_per_outer_step", UNIT_TIME, "s", "communication per outer step, hidden or not"},
  {"training_speedup_vs_allreduce", UNIT_NUMBER, "", "all-reduce time for H steps / outer step"},
  {"training_lost_work", UNIT_NUMBER, "FLOP", "FLOPs of steps rolled back by failures"},
  {"training_lost_time", UNIT_TIME, "s", "cluster time since the last checkpoint at failures"},
  {"training_restarts", UNIT_NUMBER, "", "rollbacks to a checkpoint"},
  {"training_head_failures", UNIT_NUMBER, "", "clusters re-formed because the head failed"},
  {"training_replacements", UNIT_NUMBER, "", "workers replaced"},
  {"training_checkpoints", UNIT_NUMBER, "", "checkpoints written"},
  {"goodput", UNIT_NUMBER, "FLOP/GPU-s", "useful FLOPs per paid GPU-second"},
  {"price_per_gpu_hour", UNIT_NUMBER, "USD", "paid / paid GPU-hours"},
  {"provider_revenue", UNIT_NUMBER, "USD", "paid to providers, all leases"},
  {"provider_revenue_mean", UNIT_NUMBER, "USD", "per provider that held a lease"},
  {"tenant_deposits", UNIT_NUMBER, "USD", "escrow deposits"},
  {"tenant_refunds", UNIT_NUMBER, "USD", "escrow refunded at lease close"},
  {"leases", UNIT_NUMBER, "", "leases made"},
  {"leases_insufficient_funds", UNIT_NUMBER, "", "leases closed for insufficient funds"},
  {"leases_failed", UNIT_NUMBER, "", "leases closed by a provider failure"},
  {"orders", UNIT_NUMBER, "", "orders opened"},
  {"order_relists", UNIT_NUMBER, "", "bid windows that closed without a bid"},
  {"bids_per_order", UNIT_NUMBER, "", "mean bids an order received"},
  {"lease_wait_mean", UNIT_TIME, "s", "order opening to lease, mean"},
  {"bid_collateral_max", UNIT_NUMBER, "USD", "most bid deposits held at once"},
  {NULL, 0, NULL, NULL},
};

static void report_services(struct market *m, metrics_t *mx)
{
  hist_t *lat[2] = {hist_new(), hist_new()}, *wait = hist_new();
  double arrived = 0, placed[2] = {0, 0}, lost = 0, queue = 0, samples = 0;
  for (size_t i = 0; i < m->n_services; i++) {
    struct service *s = &m->services[i];
    int k = s->spec->inference ? 0 : 1;
    hist_merge(lat[k], s->latency);
    placed[k] += s->served;
    if (k == 0) {
      hist_merge(wait, s->wait);
      arrived += s->arrived;
      lost += s->lost;
      queue += s->queue_sum;
      samples = fmax(samples, s->queue_samples);
    }
  }
  double window = m->world->sc->duration_s - m->world->sc->warmup_s;
  metrics_summary_set(mx, "inference_latency_p50", hist_quantile(lat[0], 0.5), "s");
  metrics_summary_set(mx, "inference_latency_p99", hist_quantile(lat[0], 0.99), "s");
  metrics_summary_set(mx, "inference_wait_mean", hist_mean(wait), "s");
  metrics_summary_set(mx, "inference_queue_mean", samples > 0 ? queue / samples : 0, "");
  metrics_summary_set(mx, "inference_arrival_rate", window > 0 ? arrived / window : 0, "/s");
  metrics_summary_set(mx, "inference_requests", placed[0], "");
  metrics_summary_set(mx, "inference_requests_lost", lost, "");
  metrics_summary_set(mx, "frame_latency_p50", hist_quantile(lat[1], 0.5), "s");
  metrics_summary_set(mx, "frame_latency_p99", hist_quantile(lat[1], 0.99), "s");
  metrics_summary_set(mx, "frames", placed[1], "");
  /* Little's law: the waiting count the sampler saw against lambda x W. */
  metrics_bound_set(mx, "inference_queue_mean", window > 0 ? arrived / window * hist_mean(wait)
                                                           : 0, "", BOUND_EXPECTED,
                    "Little's law: arrival rate x mean wait");
  hist_free(lat[0]);
  hist_free(lat[1]);
  hist_free(wait);
}

/* Token rate of every job and DiLoCo's outer steps, beside their closed forms (diloco.h). */
static void report_outer(struct market *m, metrics_t *mx)
{
  double tokens = 0, busy = 0, rate_cf = 0, outer = 0, timed = 0, outer_s = 0, outer_cf = 0;
  double sync = 0;
  double sync_cf = 0, comm = 0, comm_cf = 0, baseline = 0, act = 0, act_cf = 0, steps = 0;
  double speedup_cf = 0; /* the best closed-form speedup of a DiLoCo job, shown from its start */
  for (size_t i = 0; i < m->n_jobs; i++) {
    const struct job *j = &m->jobs[i];
    tokens += j->tokens_in_window, busy += j->busy_s;
    act += j->activations_s, act_cf += j->activations_closed_s, steps += j->steps_in_window;
    outer += j->outer_in_window, timed += j->outer_timed, outer_s += j->outer_step_s;
    outer_cf += j->outer_step_closed_s;
    sync += j->sync_s, sync_cf += j->sync_closed_s, comm += j->comm_per_outer_s;
    comm_cf += j->comm_per_outer_closed_s, baseline += j->allreduce_baseline_s;
    if (j->spec->algorithm == TRAIN_DILOCO && j->layout_attempt > 0) {
      long h = j->spec->inner_steps;
      double outer_cf1 = diloco_outer_step_s(h, diloco_step_s(&j->step_cf),
                                             diloco_sync_s(&j->sync_cf), j->spec->overlap);
      rate_cf += (double)h * j->spec->tokens_per_step / outer_cf1;
      speedup_cf = fmax(speedup_cf,
                        diloco_speedup(h, diloco_step_s(&j->allreduce_cf), outer_cf1));
    } else if (j->layout_attempt > 0)
      rate_cf += j->spec->tokens_per_step / diloco_step_s(&j->step_cf);
  }
  double n = timed > 0 ? timed : 1;
  metrics_summary_set(mx, "training_activation_time", steps > 0 ? act / steps : 0, "s");
  metrics_summary_set(mx, "training_tokens_per_s", busy > 0 ? tokens / busy : 0, "/s");
  metrics_summary_set(mx, "training_outer_steps", outer, "");
  metrics_summary_set(mx, "training_outer_step_time", outer_s / n, "s");
  metrics_summary_set(mx, "training_outer_sync_time", sync / n, "s");
  metrics_summary_set(mx, "training_comm_per_outer_step", comm / n, "s");
  metrics_summary_set(mx, "training_speedup_vs_allreduce", outer_s > 0 ? baseline / outer_s : 0,
                      "");
  if (steps > 0)
    metrics_bound_set(mx, "training_activation_time", act_cf / steps, "s", BOUND_EXPECTED,
                      "tokens_per_step / replicas x hidden_size x 2 B at the equal max-min share "
                      "of the stage flows + route latency");
  if (rate_cf > 0)
    metrics_bound_set(mx, "training_tokens_per_s", rate_cf, "/s", BOUND_EXPECTED,
                      "all-reduce: tokens_per_step / closed-form step; DiLoCo: H x "
                      "tokens_per_step / closed-form outer step");
  if (speedup_cf > 0 && timed <= 0)
    metrics_bound_set(mx, "training_speedup_vs_allreduce", speedup_cf, "", BOUND_EXPECTED,
                      "H x closed-form all-reduce step (ring over all P-stage replicas, same "
                      "links) / closed-form outer step");
  if (timed <= 0)
    return;
  metrics_bound_set(mx, "training_outer_step_time", outer_cf / n, "s", BOUND_EXPECTED,
                    "H x inner step + sync, or max(H x inner step, sync) with overlap "
                    "(contention between them ignored)");
  metrics_bound_set(mx, "training_outer_sync_time", sync_cf / n, "s", BOUND_EXPECTED,
                    "ring over C clusters of compression x params x value bytes / (P x D) + "
                    "all-gather over D replicas of params x value bytes / P");
  metrics_bound_set(mx, "training_comm_per_outer_step", comm_cf / n, "s", BOUND_EXPECTED,
                    "H x (activations + ring over D replicas) + sync");
  metrics_bound_set(mx, "training_speedup_vs_allreduce", baseline / outer_cf, "", BOUND_EXPECTED,
                    "H x closed-form all-reduce step (ring over all P-stage replicas, same "
                    "links) / closed-form outer step");
}

static void report_jobs(struct market *m, metrics_t *mx)
{
  static const struct table_column cols[] = {
    {"job", COL_INT64, ""},          {"nodes", COL_INT64, ""},
    {"submitted", COL_DOUBLE, "s"},  {"formed", COL_DOUBLE, "s"},
    {"finished", COL_DOUBLE, "s"},   {"steps_done", COL_INT64, ""},
    {"steps_total", COL_INT64, ""},  {"step_time", COL_DOUBLE, "s"},
    {"compute_bound", COL_DOUBLE, "s"}, {"allreduce", COL_DOUBLE, "s"},
    {"allreduce_closed_form", COL_DOUBLE, "s"}, {"comm_fraction", COL_DOUBLE, ""},
    {"lost_flops", COL_DOUBLE, "FLOP"}, {"restarts", COL_INT64, ""},
  };
  table_t *t = metrics_table(mx, "jobs", sizeof(cols) / sizeof(cols[0]), cols);
  hist_t *completion = hist_new();
  double done = 0, queue = 0, queued = 0, steps = 0, step_s = 0, compute = 0, allreduce = 0;
  double bound = 0, closed = 0, act_cf = 0, lost = 0, lost_s = 0, restarts = 0, heads = 0;
  double repl = 0, ckpt = 0;
  for (size_t i = 0; i < m->n_jobs; i++) {
    const struct job *j = &m->jobs[i];
    if (j->finished_at >= 0) {
      done++;
      hist_add(completion, j->finished_at - j->submitted_at, 1);
    }
    if (j->formed_at >= 0) {
      queue += j->formed_at - j->submitted_at;
      queued++;
    }
    steps += j->steps_in_window, step_s += j->step_s, compute += j->compute_s;
    allreduce += j->allreduce_s, bound += j->compute_bound_s, closed += j->allreduce_closed_s;
    act_cf += j->activations_closed_s;
    lost += j->lost_flops, lost_s += j->lost_s, restarts += j->restarts;
    heads += j->head_failures, repl += j->replacements, ckpt += j->checkpoints;
    double n = j->steps_in_window > 0 ? j->steps_in_window : 1;
    union table_cell row[] = {
      {.i = (int64_t)i}, {.i = j->n_nodes}, {.d = j->submitted_at}, {.d = j->formed_at},
      {.d = j->finished_at}, {.i = j->steps_done}, {.i = j->steps_total},
      {.d = j->step_s / n}, {.d = j->compute_bound_s / n}, {.d = j->allreduce_s / n},
      {.d = j->allreduce_closed_s / n},
      {.d = j->step_s > 0 ? (j->step_s - j->compute_s) / j->step_s : 0},
      {.d = j->lost_flops}, {.i = j->restarts},
    };
    table_append(t, row);
  }
  double n = steps > 0 ? steps : 1;
  metrics_summary_set(mx, "training_jobs_done", done, "");
  metrics_summary_set(mx, "job_completion_p50", hist_quantile(completion, 0.5), "s");
  metrics_summary_set(mx, "job_completion_p99", hist_quantile(completion, 0.99), "s");
  metrics_summary_set(mx, "training_queue_delay", queued > 0 ? queue / queued : 0, "s");
  metrics_summary_set(mx, "training_steps", steps, "");
  metrics_summary_set(mx, "training_step_time", step_s / n, "s");
  metrics_summary_set(mx, "training_allreduce_time", allreduce / n, "s");
  metrics_summary_set(mx, "training_comm_fraction", step_s > 0 ? (step_s - compute) / step_s : 0,
                      "");
  metrics_summary_set(mx, "training_lost_work", lost, "FLOP");
  metrics_summary_set(mx, "training_lost_time", lost_s, "s");
  metrics_summary_set(mx, "training_restarts", restarts, "");
  metrics_summary_set(mx, "training_head_failures", heads, "");
  metrics_summary_set(mx, "training_replacements", repl, "");
  metrics_summary_set(mx, "training_checkpoints", ckpt, "");
  if (steps > 0) {
    metrics_bound_set(mx, "training_step_time", bound / n, "s", BOUND_FLOOR,
                      "compute-only: 6 x params x tokens_per_step / nodes at the slowest node's "
                      "calibrated rate x efficiency, x (M + P - 1) / M pipeline bubble");
    metrics_bound_set(mx, "training_allreduce_time", closed / n, "s", BOUND_EXPECTED,
                      "ring closed form 2(D-1)/D x stage gradient bytes / equal max-min share of "
                      "the ring's flows (acknowledgements at 5%, TCP window / (2 x latency)) + "
                      "2(D-1) x route latency");
    metrics_bound_set(mx, "training_comm_fraction", (closed + act_cf) / (closed + act_cf + bound),
                      "", BOUND_EXPECTED,
                      "(all-reduce + activations closed forms) / (those + compute-only time)");
  }
  report_outer(m, mx);
  hist_free(completion);
}

static void report_leases(struct market *m, metrics_t *mx)
{
  static const struct table_column cols[] = {
    {"lease", COL_INT64, ""},        {"provider", COL_STRING, ""},
    {"workload", COL_STRING, ""},    {"gpus", COL_INT64, ""},
    {"price", COL_DOUBLE, "USD/GPU-h"}, {"opened", COL_DOUBLE, "s"},
    {"closed", COL_DOUBLE, "s"},     {"end", COL_STRING, ""},
    {"deposit", COL_DOUBLE, "USD"},  {"paid", COL_DOUBLE, "USD"},
    {"busy", COL_DOUBLE, "s"},
  };
  struct world *w = m->world;
  table_t *t = metrics_table(mx, "leases", sizeof(cols) / sizeof(cols[0]), cols);
  double end_count[LEASE_END_COUNT] = {0}, paid_gpu_s = 0, waited = 0;
  long height = market_height(m, w->sc->duration_s);
  for (size_t i = 0; i < m->n_leases; i++) {
    struct lease *l = m->leases[i];
    if (l->end == LEASE_OPEN) { /* settle what the run's end owes, without closing */
      double owed = escrow_settle(&l->escrow, height);
      m->paid += owed;
      m->revenue[l->provider] += owed;
    }
    end_count[l->end]++;
    waited += l->waited_s;
    paid_gpu_s += l->escrow.paid / l->price * 3600;
    union table_cell row[] = {
      {.i = (int64_t)l->id}, {.s = sg_host_get_name(w->providers[l->provider].host)},
      {.s = l->owner->kind}, {.i = l->gpus}, {.d = l->price}, {.d = l->opened_at},
      {.d = l->closed_at}, {.s = market_lease_end_names[l->end]}, {.d = l->escrow.deposited},
      {.d = l->escrow.paid}, {.d = l->busy_s},
    };
    table_append(t, row);
  }
  double paid = 0, earners = 0;
  for (size_t i = 0; i < m->n_leases; i++)
    paid += m->leases[i]->escrow.paid;
  for (size_t i = 0; i < w->n_providers; i++)
    earners += m->revenue[i] > 0;
  double leases = (double)m->n_leases;
  metrics_summary_set(mx, "goodput", paid_gpu_s > 0 ? m->useful_flops / paid_gpu_s : 0,
                      "FLOP/GPU-s");
  metrics_summary_set(mx, "price_per_gpu_hour", paid_gpu_s > 0 ? paid / (paid_gpu_s / 3600) : 0,
                      "USD");
  metrics_summary_set(mx, "provider_revenue", paid, "USD");
  metrics_summary_set(mx, "provider_revenue_mean", earners > 0 ? paid / earners : 0, "USD");
  metrics_summary_set(mx, "tenant_deposits", m->deposited, "USD");
  metrics_summary_set(mx, "tenant_refunds", m->refunded, "USD");
  metrics_summary_set(mx, "leases", leases, "");
  metrics_summary_set(mx, "leases_insufficient_funds", end_count[LEASE_FUNDS], "");
  metrics_summary_set(mx, "leases_failed", end_count[LEASE_FAILURE], "");
  metrics_summary_set(mx, "orders", m->orders_opened, "");
  metrics_summary_set(mx, "order_relists", m->relists, "");
  metrics_summary_set(mx, "bids_per_order", leases + m->relists > 0 ? m->bids / (leases + m->relists)
                                                                    : 0, "");
  metrics_summary_set(mx, "lease_wait_mean", leases > 0 ? waited / leases : 0, "s");
  metrics_summary_set(mx, "bid_collateral_max", m->collateral_max, "USD");
}

/* /market_providers: what each provider that held a lease earned, for operators' economics
 * (the token layer's business once it reads these). */
static void report_providers(struct market *m, metrics_t *mx)
{
  static const struct table_column cols[] = {
    {"provider", COL_STRING, ""},    {"class", COL_STRING, ""},
    {"revenue", COL_DOUBLE, "USD"},  {"leases_ok", COL_INT64, ""},
    {"leases_failed", COL_INT64, ""},
  };
  const struct world *w = m->world;
  table_t *t =
    metrics_table(mx, "market_providers", sizeof(cols) / sizeof(cols[0]), cols);
  for (size_t i = 0; i < w->n_providers; i++) {
    if (m->revenue[i] <= 0 && m->ok[i] == 0 && m->failed[i] == 0)
      continue;
    union table_cell row[] = {
      {.s = sg_host_get_name(w->providers[i].host)},
      {.s = w->sc->classes[w->providers[i].class_index].name},
      {.d = m->revenue[i]}, {.i = m->ok[i]}, {.i = m->failed[i]},
    };
    table_append(t, row);
  }
}

/* GPU utilization per class: useful GPU-seconds over the class's GPU-seconds in the window. */
static void report_utilization(struct market *m, metrics_t *mx)
{
  const struct scenario *sc = m->world->sc;
  double window = sc->duration_s - sc->warmup_s;
  char name[128];
  for (size_t c = 0; c < sc->n_classes; c++) {
    const struct provider_class *pc = &sc->classes[c];
    double capacity = (double)pc->count * pc->gpus_per_node * window;
    snprintf(name, sizeof(name), "gpu_utilization_%s", pc->name);
    metrics_summary_set(mx, name, capacity > 0 ? m->busy_gpu_s[c] / capacity : 0, "");
  }
}

void market_report(void *state, struct world *w)
{
  struct market *m = state;
  report_services(m, w->metrics);
  report_jobs(m, w->metrics);
  report_leases(m, w->metrics);
  report_providers(m, w->metrics);
  report_utilization(m, w->metrics);
}
