/* verify_report.c: what the verification layer measured, beside the game's closed forms
 * (verify_game.h): summary metrics, bounds, the /verify_strategies and /bt_miners tables and
 * the time_to_detection and verify_task_time distributions. */
#include <math.h>

#include "protocols/verify/verify_game.h"
#include "protocols/verify/verify_private.h"

const struct metric_def verify_metrics[] = {
  {"verify_tasks_submitted", UNIT_NUMBER, "", "training tasks submitted after warm-up"},
  {"verify_tasks_completed", UNIT_NUMBER, "", "tasks whose contract settled (passed or fault)"},
  {"verify_tasks_lost", UNIT_NUMBER, "", "tasks refunded because the solver's host failed"},
  {"bad_results", UNIT_NUMBER, "", "wrong results submitted (lazy, malicious, colluding)"},
  {"detection_prob", UNIT_NUMBER, "", "share of wrong results proven wrong in a dispute"},
  {"escaped", UNIT_NUMBER, "", "wrong results that were paid"},
  {"time_to_detection_mean", UNIT_TIME, "s", "result submitted to fault proven on chain"},
  {"time_to_detection_p99", UNIT_TIME, "s", "result to fault proven, 99th percentile"},
  {"false_positive_rate", UNIT_NUMBER, "", "verifier checks of correct results that flagged"},
  {"verification_overhead", UNIT_NUMBER, "", "profiling + verifier + whistleblower + dispute GPU time / useful"},
  {"replication_overhead", UNIT_NUMBER, "", "GPU time of k full re-executions / useful"},
  {"replication_vs_verification", UNIT_NUMBER, "", "replication / verification overhead"},
  {"cost_per_useful_gpu_hour", UNIT_NUMBER, "USD/h", "providers' compute cost incl. verification and chain / useful GPU-h"},
  {"price_per_useful_gpu_hour", UNIT_NUMBER, "USD/h", "what submitters paid, net of refunds, / useful GPU-h"},
  {"replication_cost_per_useful_gpu_hour", UNIT_NUMBER, "USD/h", "compute cost with k replicas / useful GPU-h"},
  {"profit_honest", UNIT_NUMBER, "USD", "honest solver's mean profit per task"},
  {"profit_lazy", UNIT_NUMBER, "USD", "lazy solver's mean profit per task"},
  {"profit_malicious", UNIT_NUMBER, "USD", "malicious solver's mean profit per task"},
  {"profit_colluding", UNIT_NUMBER, "USD", "colluding solver's mean profit per task"},
  {"verifier_profit_honest", UNIT_NUMBER, "USD", "honest verifier's mean profit per check"},
  {"verifier_profit_lazy", UNIT_NUMBER, "USD", "lazy verifier's (approves unchecked) profit per check"},
  {"verifier_profit_malicious", UNIT_NUMBER, "USD", "malicious provider's profit per check (verifies honestly)"},
  {"verifier_profit_colluding", UNIT_NUMBER, "USD", "colluding verifier's mean profit per check"},
  {"forced_errors", UNIT_NUMBER, "", "forced errors submitted"},
  {"forced_errors_caught", UNIT_NUMBER, "", "forced errors flagged (jackpots paid)"},
  {"jackpots_usd", UNIT_NUMBER, "USD", "forced-error jackpots the treasury paid"},
  {"disputes", UNIT_NUMBER, "", "pinpoint disputes played"},
  {"dispute_rounds_mean", UNIT_NUMBER, "", "bisection rounds per dispute (steps, then operators)"},
  {"arbitration_time_mean", UNIT_TIME, "s", "on-chain arbitration: submission to executed"},
  {"onchain_cost", UNIT_NUMBER, "USD", "gas paid for arbitrations"},
  {"slashed_usd", UNIT_NUMBER, "USD", "deposits slashed (burned, whistleblowers, treasury)"},
  {"books_imbalance", UNIT_NUMBER, "USD", "sum over every account (0: money conserved)"},
  {"task_time_p50", UNIT_TIME, "s", "submission to settlement, median"},
  {"bt_tempos", UNIT_NUMBER, "", "Bittensor: Yuma epochs run"},
  {"bt_answers_late", UNIT_NUMBER, "", "Bittensor: answers past the timeout (score 0)"},
  {"bt_colluding_miner_share", UNIT_NUMBER, "", "Bittensor: miner emission paid to colluding miners"},
  {"bt_colluding_miner_share_if_honest", UNIT_NUMBER, "", "the same had every validator scored honestly"},
  {"bt_colluding_validator_dividends", UNIT_NUMBER, "", "Bittensor: validator dividends to the colluding cluster"},
  {"bt_honest_miner_reward", UNIT_NUMBER, "tokens", "Bittensor: mean emission per honest miner"},
  {NULL, 0, NULL, NULL},
};

static double ratio(double a, double b)
{
  return b > 0 ? a / b : 0;
}

static void set(metrics_t *m, const char *name, double value, const char *unit)
{
  metrics_summary_set(m, name, value, unit);
}

static void report_detection(struct verify *v, metrics_t *m)
{
  set(m, "bad_results", v->bad_results, "");
  set(m, "escaped", v->escaped, "");
  if (v->bad_results > 0) {
    set(m, "detection_prob", v->detected / v->bad_results, "");
    metrics_bound_set(m, "detection_prob", v->detect_expected / v->bad_results, "", BOUND_EXPECTED,
                      "mean over wrong results of 1 - (1 - p q)^k, q = checking share x flag "
                      "probability (verifiers only; whistleblowers add)");
  }
  if (v->detected > 0) {
    hist_merge(metrics_hist(m, "time_to_detection", "s"), v->detection_time);
    set(m, "time_to_detection_mean", hist_mean(v->detection_time), "s");
    set(m, "time_to_detection_p99", hist_quantile(v->detection_time, 0.99), "s");
  }
  if (v->honest_checks > 0) {
    set(m, "false_positive_rate", v->false_flags / v->honest_checks, "");
    metrics_bound_set(m, "false_positive_rate", v->false_flags_expected / v->honest_checks, "", BOUND_EXPECTED,
                      "mean of P(|N(0,1)| > profiled threshold) over checks of correct results; "
                      "2 P(T_runs > threshold_sigmas) on average");
  }
}

static void report_overhead(struct verify *v, metrics_t *m)
{
  double extra = v->verify_gpu_s + v->whistle_gpu_s + v->dispute_gpu_s + v->profile_gpu_s;
  double useful_h = v->useful_gpu_s / 3600;
  if (!(v->useful_gpu_s > 0))
    return;
  double overhead = extra / v->useful_gpu_s, repl = v->replica_gpu_s / v->useful_gpu_s;
  set(m, "verification_overhead", overhead, "");
  metrics_bound_set(m, "verification_overhead", v->verify_expected_gpu_s / v->useful_gpu_s, "", BOUND_EXPECTED,
                    "(k x verify_prob + profiling_runs) / segments of each task's training "
                    "on the solver's hardware (no whistleblowers or disputes); Gensyn's "
                    "litepaper reports ~0.46 for MNIST");
  set(m, "replication_overhead", repl, "");
  metrics_bound_set(m, "replication_overhead", (double)v->c->replication, "", BOUND_EXPECTED,
                    "k re-executions on identical hardware: k x 100% of the useful work");
  set(m, "replication_vs_verification", ratio(repl, overhead), "");
  double chain = v->onchain_usd, verify_cost = v->verify_cost_usd;
  set(m, "cost_per_useful_gpu_hour",
      (v->useful_cost_usd + verify_cost + chain) / useful_h, "USD/h");
  metrics_bound_set(m, "cost_per_useful_gpu_hour", v->useful_cost_usd / useful_h, "USD/h", BOUND_FLOOR,
                    "the solvers' cost_per_hour alone, no verification");
  set(m, "price_per_useful_gpu_hour", (v->fees_usd - v->refunds_usd) / useful_h, "USD/h");
  set(m, "replication_cost_per_useful_gpu_hour",
      (v->useful_cost_usd + v->replica_cost_usd) / useful_h, "USD/h");
}

static const char *const profit_names[2][BEHAVIOR_COUNT] = {
  {"profit_honest", "profit_lazy", "profit_malicious", "profit_colluding"},
  {"verifier_profit_honest", "verifier_profit_lazy", "verifier_profit_malicious",
   "verifier_profit_colluding"},
};

static void report_strategies(struct verify *v, metrics_t *m)
{
  static const struct table_column cols[] = {
    {"role", COL_STRING, ""},          {"behavior", COL_STRING, ""},
    {"tasks", COL_DOUBLE, ""},         {"income", COL_DOUBLE, "USD"},
    {"cost", COL_DOUBLE, "USD"},       {"slashed", COL_DOUBLE, "USD"},
    {"profit_per_task", COL_DOUBLE, "USD"}, {"expected_per_task", COL_DOUBLE, "USD"},
  };
  table_t *t = metrics_table(m, "verify_strategies", sizeof(cols) / sizeof(cols[0]), cols);
  for (int role = 0; role < 2; role++)
    for (int b = 0; b < BEHAVIOR_COUNT; b++) {
      const struct vrole *r = role == 0 ? &v->solver_role[b] : &v->verifier_role[b];
      double n = r->count > 0 ? r->count : 1;
      double profit = (r->income - r->cost - r->slashed) / n;
      union table_cell row[] = {
        {.s = role == 0 ? "solver" : "verifier"}, {.s = scenario_behavior_names[b]},
        {.d = r->count}, {.d = r->income}, {.d = r->cost}, {.d = r->slashed},
        {.d = profit}, {.d = role == 0 ? r->expected / n : NAN},
      };
      table_append(t, row);
      if (r->count > 0)
        set(m, profit_names[role][b], profit, "USD");
      if (role == 0 && r->count > 0) {
        metrics_bound_set(m, profit_names[0][b], r->expected / n, "USD", BOUND_EXPECTED,
                          "(1 - P) pay - work x cost - P x slash x deposit (verify_game.h)");
      }
    }
}

static void report_gensyn(struct verify *v, metrics_t *m)
{
  set(m, "verify_tasks_submitted", v->submitted, "");
  set(m, "verify_tasks_completed", v->completed, "");
  set(m, "verify_tasks_lost", v->lost, "");
  report_detection(v, m);
  report_overhead(v, m);
  report_strategies(v, m);
  set(m, "forced_errors", v->forced, "");
  set(m, "forced_errors_caught", v->forced_caught, "");
  set(m, "jackpots_usd", v->jackpots_usd, "USD");
  set(m, "disputes", v->disputes, "");
  if (v->disputes > 0) {
    set(m, "dispute_rounds_mean", hist_mean(v->dispute_rounds), "");
    metrics_bound_set(m, "dispute_rounds_mean", v->dispute_rounds_expected / v->disputes, "", BOUND_EXPECTED,
                      "ceil(log2 steps per segment) + ceil(log2 ops_per_step)");
    set(m, "arbitration_time_mean", v->onchain_wait_s / v->disputes, "s");
  }
  set(m, "onchain_cost", v->onchain_usd, "USD");
  double slashed = 0;
  for (int b = 0; b < BEHAVIOR_COUNT; b++)
    slashed += v->solver_role[b].slashed + v->verifier_role[b].slashed;
  set(m, "slashed_usd", slashed, "USD");
  set(m, "books_imbalance", verify_books_total(v->books), "USD");
  if (hist_count(v->task_time) > 0) {
    hist_merge(metrics_hist(m, "verify_task_time", "s"), v->task_time);
    set(m, "task_time_p50", hist_quantile(v->task_time, 0.5), "s");
  }
}

void verify_report(void *state, struct world *w)
{
  struct verify *v = state;
  if (v->c->kind == VERIFY_GENSYN)
    report_gensyn(v, w->metrics);
  else
    verify_bt_report(v);
}
