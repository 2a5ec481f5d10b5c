/* token_config.c: the token model's parameters, their defaults and their sources.
 *
 * [io.net], [Render], [sketch] name where a default comes from (docs/reference/protocols.md and the
 * agreed scenario sketch); [unsourced] marks a number no source gives, a free parameter that a
 * study should sweep rather than trust. */
#include "protocols/token/token_sim.h"

#include <math.h>
#include <string.h>

#include "protocols/token/amm.h"

const char *const token_alloc_names[] = {"incentives", "investors", "foundation", "liquidity",
                                         "idle", NULL};
const char *const token_control_names[] = {"none", "apr", "utilization", NULL};
const char *const token_reward_source_names[] = {"podas", "pora", NULL};

void token_config_default(struct token_config *c, enum emission_kind kind)
{
  memset(c, 0, sizeof *c);
  emission_params_default(&c->emission, kind);
  c->epoch_s = EMISSION_HOUR_S;
  c->horizon_s = 10 * EMISSION_YEAR_S;
  c->seed = 42;
  c->price_initial = 2.0;          /* [sketch] */
  c->pool_depth_usd = 5e6;         /* [sketch] */
  c->pool_fee = AMM_UNISWAP_V2_FEE;
  c->sell_fraction = 0.5;          /* [sketch]; no source gives operators' sell pressure */
  c->fees.take_rate = 0.02;        /* [sketch], Akash's AKT rate */
  c->fees.buyback_share = 0.0;     /* [unsourced]: the rest of fees go to the treasury */
  c->min_stake_per_gpu = 0;        /* none unless the kind or scenario asks */
  c->cooldown_s = 0;
  c->slash = (struct slash_params){.fraction = 0.5, /* [sketch] verify.slash_fraction */
                                   .to_burn = 0.5, .to_whistleblower = 0.25,
                                   .to_treasury = 0.25}; /* [unsourced] */
  c->patience_s = 72 * EMISSION_HOUR_S;      /* [sketch] */
  c->entry_rate_per_s = 10.0 / EMISSION_HOUR_S; /* [sketch] */
  c->max_growth_per_day = INFINITY;          /* DePINSimulator's daily cap; none by default */
  c->entry_apr_threshold = 0;                /* [unsourced] */
  c->setup_usd_per_gpu = 0;                  /* [unsourced] */
  c->setup_payback_s = EMISSION_YEAR_S;      /* [unsourced] */
  c->cost_spread = 0.2;                      /* [unsourced]: costs within +-20% of the class's */
  c->cost_bins = 16;
  c->entry_max_slippage = 0.1;               /* [unsourced] */
  c->markup = 0.2;                           /* [sketch] market.bid_margin */
  c->sybil_check_interval_s = EMISSION_HOUR_S; /* [io.net] hourly proof-of-work puzzle */
  c->sybil_detect_prob = 0.5;                /* [unsourced] per check */
  c->demand_gpu_h_per_h = -1;                /* -1: half the launch capacity [unsourced] */
  c->demand_growth_per_year = 0.5;           /* [unsourced] */
  for (int a = 0; a < TOKEN_ALLOC_COUNT; a++)
    c->alloc[a] = (struct token_allocation){0, EMISSION_YEAR_S, 4 * EMISSION_YEAR_S};
  c->investor_sell_per_day = 0.01;           /* [unsourced] */
  c->control = TOKEN_CONTROL_NONE;
  c->control_setpoint = 0.2;                 /* [unsourced] 20% APR */
  c->kp = 0.5;
  c->ki = 0.01;
  c->control_max = 4;
  c->validators = 16;                        /* [unsourced]; subtensor allows up to 128 */
  c->lazy_validator_share = 0.25;            /* [unsourced] */
  switch (kind) {
  case EMISSION_IONET:
    c->fees.reservation = FEES_IONET_RESERVATION;
    c->fees.payment_fee = FEES_IONET_PAYMENT_USDC;
    c->fees.take_rate = 0;
    c->fees.buyback_share = 1.0;             /* [io.net] revenue buys back and burns IO */
    c->min_stake_per_gpu = STAKING_IONET_MIN_TOKENS_PER_GPU;
    c->cooldown_s = STAKING_IONET_COOLDOWN_S;
    break;
  case EMISSION_HELIUM:
    c->bme = true;                           /* [Helium] users burn HNT for Data Credits */
    c->bme_fee = 0;
    break;
  case EMISSION_RENDER_BME:
    c->bme = true;
    c->bme_fee = FEES_RENDER_BME_FEE;
    c->work_weight = 0.5;                    /* [unsourced] work vs availability */
    break;
  default:
    break;
  }
}

static bool fraction(double x)
{
  return x >= 0 && x <= 1;
}

const char *token_config_check(const struct token_config *c)
{
  const char *why = emission_params_check(&c->emission);
  if (why)
    return why;
  if (!(c->epoch_s > 0) || !(c->horizon_s >= c->epoch_s) || c->horizon_s / c->epoch_s > 1e8)
    return "epoch must be > 0 and horizon between one epoch and 1e8 epochs";
  if (!(c->price_initial > 0) || !isfinite(c->price_initial) || !(c->pool_depth_usd > 0))
    return "price and pool depth must be > 0";
  if (!fraction(c->sell_fraction) || !fraction(c->pool_fee) || !fraction(c->bme_fee))
    return "sell_fraction, pool fee and bme fee must be in [0, 1]";
  if ((why = fees_check(&c->fees)) || (why = staking_slash_check(&c->slash)))
    return why;
  if (c->patience_s < 0 || c->entry_rate_per_s < 0 || !(c->max_growth_per_day >= 0) ||
      c->cost_spread < 0 || c->cost_spread >= 1 || !(c->entry_max_slippage >= 0) || c->markup < -1 || !fraction(c->work_weight))
    return "operator parameters out of range";
  if (!fraction(c->sybil_detect_prob) || c->sybil_check_interval_s <= 0)
    return "sybil checks need an interval > 0 and a probability in [0, 1]";
  double shares = 0;
  for (int a = 0; a < TOKEN_ALLOC_COUNT; a++) {
    if (!fraction(c->alloc[a].share) || c->alloc[a].cliff_s < 0 || c->alloc[a].vesting_s < 0)
      return "allocation shares must be in [0, 1] and vesting times >= 0";
    shares += c->alloc[a].share;
  }
  if (shares > 1 + 1e-9)
    return "allocation shares sum to more than 1";
  if (!fraction(c->investor_sell_per_day) || c->treasury_usd < 0 ||
      c->treasury_burn_usd_per_month < 0)
    return "treasury and investor parameters out of range";
  if (c->validators == 0 || !fraction(c->lazy_validator_share))
    return "validators must be >= 1 and lazy_share in [0, 1]";
  for (size_t k = 0; k < c->n_classes; k++) {
    const struct token_class *tc = &c->classes[k];
    if (tc->count < 0 || tc->gpus_per_node < 1 || tc->cost_per_gpu_hour < 0 ||
        tc->stake_per_node < 0 || !fraction(tc->sybil_fraction) || !fraction(tc->availability))
      return "a provider class has a value out of range";
  }
  return NULL;
}
