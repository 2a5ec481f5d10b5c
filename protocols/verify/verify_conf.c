/* verify_conf.c: the `verify` section of a scenario: reading, defaults and checks. */
#include <math.h>
#include <stdlib.h>

#include "protocols/verify/verify.h"
#include "sim/scenario/scenario.h"

static const char *const verify_keys[] = {
  "kind", "verify_prob", "verifiers", "forced_error_rate", "jackpot", "slash_fraction",
  "slash_split", "solver_deposit", "verifier_deposit", "treasury_cut", "fee_markup",
  "whistleblower_prob", "threshold_sigmas", "profiling_runs", "lazy_skip", "lazy_divergence", "ops_per_step",
  "onchain_tx", "onchain_cost", "arbitration_time", "replication", "tasks", "bittensor", NULL};
static const char *const kinds[] = {"gensyn", "bittensor", NULL};
static const char *const split_keys[] = {"burn", "whistleblower", "treasury", NULL};
static const char *const task_keys[] = {"rate", "model", "tokens", "steps",
                                        "checkpoint_interval", NULL};
static const char *const model_keys[] = {"params", "precision", NULL};
static const char *const bt_keys[] = {"validators", "tempo", "queries", "query_tokens",
                                      "timeout", "tokens_per_block", "block_time",
                                      "score_alpha", NULL};

static bool num(cfg_t *cfg, struct cfg_node n, const char *key, double min, double max,
                double *out)
{
  return cfg_get_quantity(cfg, n, key, UNIT_NUMBER, min, max, out, false);
}

static bool tim(cfg_t *cfg, struct cfg_node n, const char *key, double *out)
{
  return cfg_get_quantity(cfg, n, key, UNIT_TIME, 1e-6, 1e9, out, false);
}

static struct cfg_node sub(cfg_t *cfg, struct cfg_node n, const char *key,
                           const char *const keys[], bool *ok)
{
  struct cfg_node s;
  *ok &= cfg_get(cfg, n, key, &s, false);
  if (s.node)
    *ok &= cfg_check_keys(cfg, s, keys);
  return s;
}

static bool parse_tasks(cfg_t *cfg, struct cfg_node section, struct verify_tasks_conf *t)
{
  bool ok = true;
  struct cfg_node tasks = sub(cfg, section, "tasks", task_keys, &ok);
  struct cfg_node model = sub(cfg, tasks, "model", model_keys, &ok);
  ok &= cfg_get_quantity(cfg, tasks, "rate", UNIT_RATE, CFG_POSITIVE, 1e9, &t->rate_per_s,
                         false);
  ok &= num(cfg, model, "params", 1, 1e15, &t->params);
  int prec = (int)t->precision;
  ok &= cfg_get_enum(cfg, model, "precision", precision_names, &prec, false);
  t->precision = (enum precision)prec;
  ok &= num(cfg, tasks, "tokens", 1, 1e18, &t->tokens);
  ok &= num(cfg, tasks, "steps", 1, 1e12, &t->steps);
  ok &= tim(cfg, tasks, "checkpoint_interval", &t->checkpoint_interval_s);
  return ok;
}

static bool parse_bittensor(cfg_t *cfg, struct cfg_node section, struct verify_bt_conf *b)
{
  bool ok = true;
  struct cfg_node bt = sub(cfg, section, "bittensor", bt_keys, &ok);
  ok &= cfg_get_int(cfg, bt, "validators", &b->validators, 1, 128, false);
  ok &= tim(cfg, bt, "tempo", &b->tempo_s);
  ok &= cfg_get_int(cfg, bt, "queries", &b->queries, 1, 100000, false);
  ok &= num(cfg, bt, "query_tokens", 1, 1e9, &b->query_tokens);
  ok &= tim(cfg, bt, "timeout", &b->timeout_s);
  ok &= num(cfg, bt, "tokens_per_block", 0, 1e9, &b->tokens_per_block);
  ok &= tim(cfg, bt, "block_time", &b->block_s);
  ok &= num(cfg, bt, "score_alpha", CFG_POSITIVE, 1, &b->score_alpha);
  return ok;
}

void *verify_conf_parse(cfg_t *cfg, struct cfg_node section)
{
  struct verify_conf *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  *c = (struct verify_conf){
    .kind = VERIFY_GENSYN, .verify_prob = 0.1, .verifiers = 1, .forced_error_rate = 0.01,
    .jackpot_usd = 10,
    .slash = {.fraction = 0.5, .to_burn = 0.5, .to_whistleblower = 0.25, .to_treasury = 0.25},
    .solver_deposit = 2, .verifier_deposit = 1, .treasury_cut = 0.01, .fee_markup = 0.2,
    .whistleblower_prob = 0.05, .threshold_sigmas = 4, .profiling_runs = 8, .lazy_skip = 0.5,
    .lazy_divergence = 10, .ops_per_step = 4096, .onchain_tx = 1, .onchain_cost_usd = 0.05,
    .arbitration_s = 1, .replication = 7,
    .tasks = {.rate_per_s = 1.0 / 60, .params = 125e6, .precision = PREC_BF16,
              .tokens = 1e7, .steps = 1000, .checkpoint_interval_s = 60},
    .bt = {.validators = 8, .tempo_s = 360 * 12.0, .queries = 16, .query_tokens = 256,
           .timeout_s = 12, .tokens_per_block = 0.5, .block_s = 12, .score_alpha = 0.1},
  };
  bool ok = cfg_check_keys(cfg, section, verify_keys);
  int kind = (int)c->kind;
  ok &= cfg_get_enum(cfg, section, "kind", kinds, &kind, false);
  c->kind = (enum verify_kind)kind;
  ok &= num(cfg, section, "verify_prob", 0, 1, &c->verify_prob);
  ok &= cfg_get_int(cfg, section, "verifiers", &c->verifiers, 0, 1000, false);
  ok &= num(cfg, section, "forced_error_rate", 0, 1, &c->forced_error_rate);
  ok &= num(cfg, section, "jackpot", 0, 1e12, &c->jackpot_usd);
  ok &= num(cfg, section, "slash_fraction", 0, 1, &c->slash.fraction);
  bool split_ok = true;
  struct cfg_node split = sub(cfg, section, "slash_split", split_keys, &split_ok);
  split_ok &= num(cfg, split, "burn", 0, 1, &c->slash.to_burn);
  split_ok &= num(cfg, split, "whistleblower", 0, 1, &c->slash.to_whistleblower);
  split_ok &= num(cfg, split, "treasury", 0, 1, &c->slash.to_treasury);
  if (split_ok && split.node && staking_slash_check(&c->slash)) {
    cfg_error(cfg, split, "%s", staking_slash_check(&c->slash));
    split_ok = false;
  }
  ok &= split_ok;
  ok &= num(cfg, section, "solver_deposit", 0, 1e6, &c->solver_deposit);
  ok &= num(cfg, section, "verifier_deposit", 0, 1e6, &c->verifier_deposit);
  ok &= num(cfg, section, "treasury_cut", 0, 0.5, &c->treasury_cut);
  ok &= num(cfg, section, "fee_markup", 0, 100, &c->fee_markup);
  ok &= num(cfg, section, "whistleblower_prob", 0, 1, &c->whistleblower_prob);
  ok &= num(cfg, section, "threshold_sigmas", CFG_POSITIVE, 100, &c->threshold_sigmas);
  ok &= cfg_get_int(cfg, section, "profiling_runs", &c->profiling_runs, 0, 1000, false);
  ok &= num(cfg, section, "lazy_skip", 0, 1, &c->lazy_skip);
  ok &= num(cfg, section, "lazy_divergence", 0, 1e6, &c->lazy_divergence);
  ok &= num(cfg, section, "ops_per_step", 1, 1e12, &c->ops_per_step);
  ok &= num(cfg, section, "onchain_tx", 0, 1e6, &c->onchain_tx);
  ok &= num(cfg, section, "onchain_cost", 0, 1e9, &c->onchain_cost_usd);
  ok &= tim(cfg, section, "arbitration_time", &c->arbitration_s);
  ok &= cfg_get_int(cfg, section, "replication", &c->replication, 1, 1000, false);
  ok &= parse_tasks(cfg, section, &c->tasks);
  ok &= parse_bittensor(cfg, section, &c->bt);
  if (!ok) {
    free(c);
    return NULL;
  }
  return c;
}

bool verify_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg)
{
  const struct verify_conf *c = conf;
  struct cfg_node section, where;
  cfg_get(cfg, cfg_root(cfg), "verify", &section, true);
  where = section;
  if (c->kind == VERIFY_BITTENSOR) { /* point at the validator count when it was given */
    struct cfg_node bt = {0}, val = {0};
    if (cfg_get(cfg, section, "bittensor", &bt, false) && bt.node &&
        cfg_get(cfg, bt, "validators", &val, false) && val.node)
      where = val;
  }
  size_t needed = c->kind == VERIFY_GENSYN ? 2 : (size_t)c->bt.validators + 1;
  if (scenario_launch_count(sc) < needed) {
    cfg_error(cfg, where, "%s verification needs at least %zu providers, the scenario has %zu "
              "at launch", c->kind == VERIFY_GENSYN ? "gensyn" : "bittensor (validators + 1 miner)",
              needed, scenario_launch_count(sc));
    return false;
  }
  return true;
}

void verify_conf_free(void *conf)
{
  free(conf);
}
