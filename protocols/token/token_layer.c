/* token_layer.c: the token layer: reading its scenario section into a token_config.
 *
 * Every key has a default (token_config_default for the chosen emission kind), so `token: {}`
 * runs io.net's economics. Keys are checked with "did you mean"; each kind of emission accepts
 * only its own parameters. Running (events, finish) is in token_layer_run.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/token/token_layer_private.h"
#include "sim/scenario/scenario.h"

static const struct metric_def token_metrics[] = {
  {"token_price_final", UNIT_NUMBER, "USD", "token price at the end of the horizon"},
  {"token_supply_final", UNIT_NUMBER, "tokens", "tokens in existence (minted - burned) at the end"},
  {"token_market_cap_final", UNIT_NUMBER, "USD", "price x circulating supply at the end"},
  {"token_staked_ratio_final", UNIT_NUMBER, "", "staked / supply at the end"},
  {"token_minted_total", UNIT_NUMBER, "tokens", "emission over the horizon (genesis excluded)"},
  {"token_burned_total", UNIT_NUMBER, "tokens", "burned over the horizon (buy-backs, BME, slashes)"},
  {"token_burn_mint_ratio", UNIT_NUMBER, "", "burned / minted over the horizon"},
  {"token_treasury_runway_final", UNIT_TIME, "s", "treasury holdings / cash burn at the end"},
  {"gini_rewards", UNIT_NUMBER, "", "Gini coefficient of rewards over all operators"},
  {"nakamoto_rewards", UNIT_NUMBER, "operators", "fewest operators holding > 50% of rewards"},
  {"sybil_reward_share", UNIT_NUMBER, "", "share of operator rewards paid to sybils"},
  {"cost_per_gpu_hour", UNIT_NUMBER, "USD/h", "what users paid per GPU-hour served"},
  {"operators_final", UNIT_NUMBER, "operators", "operators (honest and sybil) at the end"},
  {"sybils_final", UNIT_NUMBER, "operators", "sybil operators not yet caught at the end"},
  {"token_conserved", UNIT_NUMBER, "", "1 when minted = held + burned + treasury every epoch"},
  {"token_rewards_podas", UNIT_NUMBER, "tokens", "PoDAS rewards (DA sampling) paid to operators"},
  {"token_rewards_pora", UNIT_NUMBER, "tokens", "PoRA rewards (storage mining) paid to operators"},
  {"token_protocol_fees", UNIT_NUMBER, "tokens", "token fees users paid into the protocols' pools"},
  {"token_rewards_minted", UNIT_NUMBER, "tokens", "protocol rewards no pool covered, minted"},
  {"token_escrow_final", UNIT_NUMBER, "tokens", "fees still held by the protocols at the end"},
  {"token_demand_scale_final", UNIT_NUMBER, "", "coupled runs: demand relative to the workload "
   "as written, at the end"},
  {"token_served_gpu_hours", UNIT_NUMBER, "GPU-h", "coupled runs: GPU-hours the network's "
   "tenants rented over the horizon"},
  {NULL, 0, NULL, NULL},
};

/* The layers that record payments, faults, rewards and fees with the token layer during the
 * run: the token layer settles after them, so their events are all in when it replays them. */
static const char *const token_consumes[] = {"da", "storage", "market", "verify", "infernet",
                                             "grass", "aethir", "render", NULL};

const struct depin_layer token_layer = {
  .name = "token",
  .metrics = token_metrics,
  .consumes = token_consumes,
  .parse = token_layer_parse,
  .validate = token_layer_validate,
  .conf_free = token_layer_conf_free,
  .deploy = token_layer_deploy,
  .finish = token_layer_finish,
  .state_free = token_layer_state_free,
};

static bool num(cfg_t *cfg, struct cfg_node n, const char *key, double min, double max,
                double *out)
{
  return cfg_get_quantity(cfg, n, key, UNIT_NUMBER, min, max, out, false);
}

static bool tim(cfg_t *cfg, struct cfg_node n, const char *key, double *out)
{
  return cfg_get_quantity(cfg, n, key, UNIT_TIME, 0, 1e12, out, false);
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

static const char *const emission_keys[EMISSION_KIND_COUNT][14] = {
  {"kind", "genesis", "split", "base", "r1_per_hour", "decay_per_hour", "cap", NULL},
  {"kind", "genesis", "split", "year_tokens", "decay_per_year", NULL},
  {"kind", "genesis", "split", "block_time", "tokens_per_block", "max_supply",
   "initial_issuance", NULL},
  {"kind", "genesis", "split", "simple", "baseline", "half_life", "baseline_eib",
   "baseline_growth", "power_eib", "power_growth", "immediate_share", "vest"},
  {"kind", "genesis", "split", "tokens_per_month", "halving", "net_cap_per_day", NULL},
  {"kind", "genesis", "split", "curve", "rate_per_year", "decay_per_year", "halving", "cap",
   NULL},
};

static bool parse_emission_params(cfg_t *cfg, struct cfg_node em, struct emission_params *p)
{
  bool ok = true;
  static const char *const split_keys[] = {"operators", "validators", "treasury", NULL};
  struct cfg_node sp = sub(cfg, em, "split", split_keys, &ok);
  ok &= num(cfg, em, "genesis", 0, 1e15, &p->genesis_tokens);
  ok &= num(cfg, sp, "operators", 0, 1, &p->split.operators);
  ok &= num(cfg, sp, "validators", 0, 1, &p->split.validators);
  ok &= num(cfg, sp, "treasury", 0, 1, &p->split.treasury);
  switch (p->kind) {
  case EMISSION_IONET:
    ok &= num(cfg, em, "base", 0, 1e15, &p->ionet_base_tokens);
    ok &= num(cfg, em, "r1_per_hour", 0, 1, &p->ionet_r1_per_hour);
    ok &= num(cfg, em, "decay_per_hour", 0, 0.999, &p->ionet_decay_per_hour);
    ok &= num(cfg, em, "cap", 0, 1e15, &p->ionet_cap_tokens);
    break;
  case EMISSION_RENDER_BME: {
    struct cfg_node y;
    ok &= cfg_get(cfg, em, "year_tokens", &y, false);
    for (size_t i = 0; y.node && i < cfg_seq_count(y) && i < 5; i++)
      ok &= cfg_to_quantity(cfg, cfg_seq_item(y, i), UNIT_NUMBER, 0, 1e15,
                            &p->render_year_tokens[i]);
    if (y.node && cfg_seq_count(y) > 5) {
      cfg_error(cfg, y, "at most 5 yearly figures (later years decay by decay_per_year)");
      ok = false;
    }
    ok &= num(cfg, em, "decay_per_year", 0, 1, &p->render_decay_per_year);
    break;
  }
  case EMISSION_BITTENSOR:
    ok &= cfg_get_quantity(cfg, em, "block_time", UNIT_TIME, 1e-3, 1e6, &p->bt_block_s, false);
    ok &= num(cfg, em, "tokens_per_block", 0, 1e12, &p->bt_tokens_per_block);
    ok &= num(cfg, em, "max_supply", 1, 1e15, &p->bt_max_supply_tokens);
    ok &= num(cfg, em, "initial_issuance", 0, 1e15, &p->bt_initial_issuance_tokens);
    break;
  case EMISSION_FILECOIN:
    ok &= num(cfg, em, "simple", 0, 1e15, &p->fil_simple_tokens);
    ok &= num(cfg, em, "baseline", 0, 1e15, &p->fil_baseline_tokens);
    ok &= tim(cfg, em, "half_life", &p->fil_half_life_s);
    ok &= num(cfg, em, "baseline_eib", 1e-9, 1e9, &p->fil_baseline_eib);
    ok &= num(cfg, em, "baseline_growth", 0, 100, &p->fil_baseline_growth_per_year);
    ok &= num(cfg, em, "power_eib", 1e-9, 1e9, &p->fil_power_eib);
    ok &= num(cfg, em, "power_growth", -0.99, 100, &p->fil_power_growth_per_year);
    ok &= num(cfg, em, "immediate_share", 0, 1, &p->fil_immediate_share);
    ok &= tim(cfg, em, "vest", &p->fil_vest_s);
    break;
  case EMISSION_HELIUM:
    ok &= num(cfg, em, "tokens_per_month", 0, 1e15, &p->hnt_tokens_per_month);
    ok &= tim(cfg, em, "halving", &p->hnt_halving_s);
    ok &= num(cfg, em, "net_cap_per_day", 0, 1e15, &p->hnt_net_cap_tokens_per_day);
    break;
  default: {
    int curve = (int)p->curve;
    ok &= cfg_get_enum(cfg, em, "curve", emission_curve_names, &curve, false);
    p->curve = (enum emission_curve)curve;
    ok &= num(cfg, em, "rate_per_year", 0, 1e15, &p->custom_rate0_tokens_per_year);
    ok &= num(cfg, em, "decay_per_year", 0, 100, &p->custom_decay_per_year);
    ok &= tim(cfg, em, "halving", &p->custom_halving_s);
    ok &= num(cfg, em, "cap", 0, 1e15, &p->custom_cap_tokens);
    break;
  }
  }
  const char *why = ok ? emission_params_check(p) : NULL;
  if (why) {
    cfg_error(cfg, em, "%s", why);
    ok = false;
  }
  return ok;
}

static bool parse_emission(cfg_t *cfg, struct cfg_node sec, struct token_config *c)
{
  struct cfg_node em;
  bool ok = cfg_get(cfg, sec, "emission", &em, false);
  int kind = EMISSION_IONET;
  if (em.node)
    ok &= cfg_get_enum(cfg, em, "kind", emission_kind_names, &kind, true);
  token_config_default(c, (enum emission_kind)kind);
  if (!em.node)
    return ok;
  ok &= cfg_check_keys(cfg, em, emission_keys[kind]);
  return parse_emission_params(cfg, em, &c->emission) && ok;
}

static bool parse_market(cfg_t *cfg, struct cfg_node sec, struct token_config *c)
{
  static const char *const price_keys[] = {"kind", "pool_depth_usd", "initial", "fee", NULL};
  static const char *const price_kinds[] = {"amm", "fixed", NULL};
  static const char *const fee_keys[] = {"reservation", "payment_fee", "paid_in_token",
                                         "buyback_share", "bme_fee", NULL};
  static const char *const demand_keys[] = {"gpu_hours_per_hour", "growth_per_year",
                                            "buy_usd_per_day", NULL};
  bool ok = true;
  struct cfg_node pr = sub(cfg, sec, "price", price_keys, &ok);
  int kind = c->price_fixed ? 1 : 0;
  ok &= cfg_get_enum(cfg, pr, "kind", price_kinds, &kind, false);
  c->price_fixed = kind == 1;
  ok &= num(cfg, pr, "pool_depth_usd", 1e-6, 1e15, &c->pool_depth_usd);
  ok &= num(cfg, pr, "initial", 1e-12, 1e12, &c->price_initial);
  ok &= num(cfg, pr, "fee", 0, 0.5, &c->pool_fee);
  ok &= num(cfg, sec, "sell_fraction", 0, 1, &c->sell_fraction);
  ok &= num(cfg, sec, "take_rate", 0, 1, &c->fees.take_rate);
  struct cfg_node f = sub(cfg, sec, "fees", fee_keys, &ok);
  ok &= num(cfg, f, "reservation", 0, 1, &c->fees.reservation);
  ok &= num(cfg, f, "payment_fee", 0, 1, &c->fees.payment_fee);
  ok &= num(cfg, f, "paid_in_token", 0, 1, &c->fees.paid_in_token);
  ok &= num(cfg, f, "buyback_share", 0, 1, &c->fees.buyback_share);
  ok &= num(cfg, f, "bme_fee", 0, 1, &c->bme_fee);
  struct cfg_node d = sub(cfg, sec, "demand", demand_keys, &ok);
  ok &= num(cfg, d, "gpu_hours_per_hour", 0, 1e12, &c->demand_gpu_h_per_h);
  ok &= num(cfg, d, "growth_per_year", -1, 100, &c->demand_growth_per_year);
  ok &= num(cfg, d, "buy_usd_per_day", 0, 1e15, &c->buy_usd_per_day);
  return ok;
}

static bool parse_staking(cfg_t *cfg, struct cfg_node sec, struct token_conf *conf)
{
  static const char *const staking_keys[] = {"min_per_gpu", "cooldown", "multiplier", NULL};
  static const char *const slash_keys[] = {"fraction", "burn", "whistleblower", "treasury", NULL};
  struct token_config *c = &conf->c;
  bool ok = true;
  struct cfg_node st = sub(cfg, sec, "staking", staking_keys, &ok);
  ok &= num(cfg, st, "min_per_gpu", 0, 1e15, &c->min_stake_per_gpu);
  ok &= tim(cfg, st, "cooldown", &c->cooldown_s);
  struct cfg_node m;
  ok &= cfg_get(cfg, st, "multiplier", &m, false);
  if (m.node && !cfg_is_mapping(m)) {
    cfg_error(cfg, m, "a mapping of provider class to multiplier, e.g. {dc-h100: 10}");
    ok = false;
  } else if (m.node) {
    size_t n = cfg_map_count(m);
    conf->multipliers = calloc(n ? n : 1, sizeof *conf->multipliers);
    for (size_t i = 0; conf->multipliers && i < n; i++) {
      conf->multipliers[i].cls = strdup(cfg_map_key(m, i));
      conf->multipliers[i].value = 1;
      conf->multipliers[i].node = cfg_map_value(m, i);
      conf->n_multipliers++;
      ok &= cfg_to_quantity(cfg, cfg_map_value(m, i), UNIT_NUMBER, 0, 1e6,
                            &conf->multipliers[i].value);
    }
  }
  struct cfg_node sl = sub(cfg, sec, "slashing", slash_keys, &ok);
  ok &= num(cfg, sl, "fraction", 0, 1, &c->slash.fraction);
  ok &= num(cfg, sl, "burn", 0, 1, &c->slash.to_burn);
  ok &= num(cfg, sl, "whistleblower", 0, 1, &c->slash.to_whistleblower);
  ok &= num(cfg, sl, "treasury", 0, 1, &c->slash.to_treasury);
  const char *why = ok ? staking_slash_check(&c->slash) : NULL;
  if (why) {
    cfg_error(cfg, sl, "%s", why);
    ok = false;
  }
  return ok;
}

static bool parse_operators(cfg_t *cfg, struct cfg_node sec, struct token_config *c)
{
  static const char *const op_keys[] = {
    "patience", "entry_rate", "max_growth_per_day", "apr_threshold", "setup_cost_per_gpu",
    "setup_payback", "cost_spread", "cost_bins", "markup", "work_weight", "max",
    "entry_max_slippage", NULL};
  static const char *const sybil_keys[] = {"check_interval", "detect_prob", NULL};
  static const char *const val_keys[] = {"count", "lazy_share", NULL};
  bool ok = true;
  struct cfg_node o = sub(cfg, sec, "operators", op_keys, &ok);
  ok &= tim(cfg, o, "patience", &c->patience_s);
  ok &= cfg_get_quantity(cfg, o, "entry_rate", UNIT_RATE, 0, 1e9, &c->entry_rate_per_s, false);
  ok &= num(cfg, o, "max_growth_per_day", 0, INFINITY, &c->max_growth_per_day);
  ok &= num(cfg, o, "apr_threshold", 0, 1e6, &c->entry_apr_threshold);
  ok &= num(cfg, o, "setup_cost_per_gpu", 0, 1e9, &c->setup_usd_per_gpu);
  ok &= tim(cfg, o, "setup_payback", &c->setup_payback_s);
  ok &= num(cfg, o, "cost_spread", 0, 0.99, &c->cost_spread);
  ok &= num(cfg, o, "markup", -0.99, 100, &c->markup);
  ok &= num(cfg, o, "work_weight", 0, 1, &c->work_weight);
  ok &= num(cfg, o, "entry_max_slippage", 0, 100, &c->entry_max_slippage);
  long bins = (long)c->cost_bins, max = (long)c->max_operators;
  ok &= cfg_get_int(cfg, o, "cost_bins", &bins, 1, 1024, false);
  ok &= cfg_get_int(cfg, o, "max", &max, 0, 100000000, false);
  c->cost_bins = (size_t)bins;
  c->max_operators = (size_t)max;
  struct cfg_node sy = sub(cfg, sec, "sybil", sybil_keys, &ok);
  ok &= cfg_get_quantity(cfg, sy, "check_interval", UNIT_TIME, 1, 1e12,
                         &c->sybil_check_interval_s, false);
  ok &= num(cfg, sy, "detect_prob", 0, 1, &c->sybil_detect_prob);
  struct cfg_node v = sub(cfg, sec, "validators", val_keys, &ok);
  long nv = (long)c->validators;
  ok &= cfg_get_int(cfg, v, "count", &nv, 1, 4096, false);
  c->validators = (size_t)nv;
  ok &= num(cfg, v, "lazy_share", 0, 1, &c->lazy_validator_share);
  return ok;
}

static bool parse_supply(cfg_t *cfg, struct cfg_node sec, struct token_config *c)
{
  static const char *const alloc_keys[] = {"share", "cliff", "vesting", NULL};
  static const char *const treasury_keys[] = {"usd", "burn_usd_per_month", NULL};
  static const char *const control_keys[] = {"target", "setpoint", "kp", "ki", "kd",
                                             "rate_per_year", "max", NULL};
  bool ok = true;
  struct cfg_node al = sub(cfg, sec, "allocations", token_alloc_names, &ok);
  for (int a = 0; al.node && a < TOKEN_ALLOC_COUNT; a++) {
    struct cfg_node x = sub(cfg, al, token_alloc_names[a], alloc_keys, &ok);
    ok &= num(cfg, x, "share", 0, 1, &c->alloc[a].share);
    ok &= tim(cfg, x, "cliff", &c->alloc[a].cliff_s);
    ok &= tim(cfg, x, "vesting", &c->alloc[a].vesting_s);
  }
  ok &= num(cfg, sec, "investor_sell_per_day", 0, 1, &c->investor_sell_per_day);
  struct cfg_node tr = sub(cfg, sec, "treasury", treasury_keys, &ok);
  ok &= num(cfg, tr, "usd", 0, 1e15, &c->treasury_usd);
  ok &= num(cfg, tr, "burn_usd_per_month", 0, 1e15, &c->treasury_burn_usd_per_month);
  struct cfg_node pid = sub(cfg, sec, "controller", control_keys, &ok);
  int target = (int)c->control;
  ok &= cfg_get_enum(cfg, pid, "target", token_control_names, &target, pid.node != NULL);
  c->control = (enum token_control)target;
  ok &= num(cfg, pid, "setpoint", 0, 1e6, &c->control_setpoint);
  ok &= num(cfg, pid, "kp", -1e6, 1e6, &c->kp);
  ok &= num(cfg, pid, "ki", -1e6, 1e6, &c->ki);
  ok &= num(cfg, pid, "kd", -1e6, 1e6, &c->kd);
  ok &= num(cfg, pid, "rate_per_year", 0, 1e15, &c->control_rate0_per_year);
  ok &= num(cfg, pid, "max", 0, 1e6, &c->control_max);
  return ok;
}

/* Defaults: every epoch simulated in full (window = epoch), demand proportional to the share
 * served well (elasticity 1 [unsourced]), no latency bound. */
static bool parse_coupling(cfg_t *cfg, struct cfg_node sec, struct token_conf *conf)
{
  static const char *const keys[] = {"window", "every", "elasticity", "latency_bound", NULL};
  struct token_coupling *k = &conf->coupling;
  bool ok = true;
  struct cfg_node n = sub(cfg, sec, "coupling", keys, &ok);
  *k = (struct token_coupling){.on = n.node != NULL, .window_s = conf->c.epoch_s, .every = 1,
                               .elasticity = 1, .latency_bound_s = INFINITY, .node = n};
  if (!n.node)
    return ok;
  ok &= cfg_get_quantity(cfg, n, "window", UNIT_TIME, 1, 1e10, &k->window_s, false);
  ok &= cfg_get_int(cfg, n, "every", &k->every, 1, 1000000, false);
  ok &= num(cfg, n, "elasticity", 0, 100, &k->elasticity);
  ok &= cfg_get_quantity(cfg, n, "latency_bound", UNIT_TIME, CFG_POSITIVE, 1e10,
                         &k->latency_bound_s, false);
  return ok;
}

void *token_layer_parse(cfg_t *cfg, struct cfg_node section)
{
  static const char *const keys[] = {
    "emission", "epoch", "horizon", "price", "sell_fraction", "take_rate", "fees", "demand",
    "staking", "slashing", "operators", "sybil", "validators", "allocations",
    "investor_sell_per_day", "treasury", "controller", "coupling", NULL};
  struct token_conf *conf = calloc(1, sizeof *conf);
  if (!conf)
    return NULL;
  conf->section = section;
  bool ok = cfg_check_keys(cfg, section, keys);
  ok &= parse_emission(cfg, section, &conf->c);
  struct cfg_node h;
  ok &= cfg_get_quantity(cfg, section, "epoch", UNIT_TIME, 1, 1e10, &conf->c.epoch_s, false);
  ok &= cfg_get(cfg, section, "horizon", &h, false);
  conf->horizon_set = h.node != NULL;
  ok &= cfg_get_quantity(cfg, section, "horizon", UNIT_TIME, 1, 1e12, &conf->c.horizon_s, false);
  ok &= parse_market(cfg, section, &conf->c);
  ok &= parse_staking(cfg, section, conf);
  ok &= parse_operators(cfg, section, &conf->c);
  ok &= parse_supply(cfg, section, &conf->c);
  ok &= parse_coupling(cfg, section, conf);
  const char *why = ok ? token_config_check(&conf->c) : NULL;
  if (why) {
    cfg_error(cfg, section, "%s", why);
    ok = false;
  }
  if (ok)
    return conf;
  token_layer_conf_free(conf);
  return NULL;
}

bool token_layer_validate(const struct scenario *sc, const void *conf, cfg_t *cfg)
{
  const struct token_conf *tc = conf;
  bool ok = true;
  for (size_t i = 0; i < tc->n_multipliers; i++) {
    const char *cls = tc->multipliers[i].cls;
    if (!cls || scenario_class_index(sc, cls) < 0) {
      cfg_error(cfg, tc->multipliers[i].node, "no provider class '%s'", cls ? cls : "");
      ok = false;
    }
  }
  if (tc->coupling.on)
    return ok && token_coupling_validate(sc, tc, cfg);
  if (tc->horizon_set && tc->c.horizon_s < tc->c.epoch_s) {
    cfg_error(cfg, tc->section, "horizon (%g s) shorter than one epoch (%g s)",
              tc->c.horizon_s, tc->c.epoch_s);
    ok = false;
  }
  return ok;
}

void token_layer_conf_free(void *conf)
{
  struct token_conf *tc = conf;
  if (!tc)
    return;
  for (size_t i = 0; i < tc->n_multipliers; i++)
    free(tc->multipliers[i].cls);
  free(tc->multipliers);
  free(tc);
}
