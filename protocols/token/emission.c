/* emission.c: the closed forms of the emission schedules (see emission.h for sources). */
#include "protocols/token/emission.h"

#include <math.h>
#include <string.h>

const char *const emission_kind_names[] = {"io.net", "render-bme", "bittensor", "filecoin",
                                           "helium", "custom", NULL};
const char *const emission_curve_names[] = {"constant", "exponential", "halving", NULL};

/* Tokens emitted by rate0 (tokens/s) halving every period_s, up to t. */
static double halving_cumulative(double rate0, double period_s, double t)
{
  double n = floor(t / period_s);
  double full = rate0 * period_s * 2.0 * (1.0 - ldexp(1.0, -(int)fmin(n, 1000.0)));
  return full + rate0 * ldexp(1.0, -(int)fmin(n, 1000.0)) * (t - n * period_s);
}

/* io.net: 500M x r1 x (1 - q^h) / (1 - q) after h hours, q = 1 - d, capped. expm1/log1p keep
 * the 1e-5-sized difference exact to the last digits. */
static double ionet_cumulative(const struct emission_params *p, double t)
{
  double h = t / EMISSION_HOUR_S;
  double d = p->ionet_decay_per_hour;
  double geometric = d > 0 ? -expm1(h * log1p(-d)) / d : h;
  double emitted = p->ionet_base_tokens * p->ionet_r1_per_hour * geometric;
  double cap = fmax(0.0, p->ionet_cap_tokens - p->genesis_tokens);
  return fmin(emitted, cap);
}

static double render_year(const struct emission_params *p, double k)
{
  if (k < 5)
    return p->render_year_tokens[(int)k];
  return p->render_year_tokens[4] * pow(p->render_decay_per_year, k - 4);
}

/* Render: each year's figure spread evenly over it; after year 5 a geometric series. */
static double render_cumulative(const struct emission_params *p, double t)
{
  double years = t / EMISSION_YEAR_S;
  double n = floor(years), sum = 0;
  for (int k = 0; k < 5 && k < n; k++)
    sum += p->render_year_tokens[k];
  if (n > 5) {
    double dlt = p->render_decay_per_year, y4 = p->render_year_tokens[4];
    sum += dlt == 1.0 ? y4 * (n - 5) : y4 * dlt * (1.0 - pow(dlt, n - 5)) / (1.0 - dlt);
  }
  return sum + (years - n) * render_year(p, n);
}

double emission_bittensor_block_reward(double tokens_per_block, double max_supply,
                                       double issuance)
{
  if (issuance >= max_supply)
    return 0.0;
  double k = floor(log2(1.0 / (1.0 - issuance / max_supply)));
  return ldexp(tokens_per_block, -(int)k);
}

/* Bittensor: walk the halving eras from the initial issuance; each era k pays
 * tokens_per_block / 2^k until issuance reaches max x (1 - 2^-(k+1)). */
static double bittensor_cumulative(const struct emission_params *p, double t)
{
  double M = p->bt_max_supply_tokens, issuance = p->bt_initial_issuance_tokens;
  double blocks = t / p->bt_block_s;
  if (issuance >= M)
    return 0.0;
  int k = (int)floor(log2(1.0 / (1.0 - issuance / M)));
  while (blocks > 0 && k < 64) {
    double rate = ldexp(p->bt_tokens_per_block, -k);
    double threshold = M * (1.0 - ldexp(1.0, -(k + 1)));
    double to_threshold = (threshold - issuance) / rate;
    if (blocks <= to_threshold) {
      issuance += rate * blocks;
      break;
    }
    issuance = threshold;
    blocks -= fmax(to_threshold, 0.0);
    k++;
  }
  return issuance - p->bt_initial_issuance_tokens;
}

/* a x integral of e^(r s) over [t0, t1]. */
static double exp_integral(double a, double r, double t0, double t1)
{
  if (r == 0)
    return a * (t1 - t0);
  return a * (exp(r * t1) - exp(r * t0)) / r;
}

/* Filecoin's cumulative capped network power: integral of min(R(s), B(s)) over [0, t]. */
static double filecoin_capped_power(double r0, double gr, double b0, double g, double t)
{
  bool r_first = r0 < b0 || (r0 == b0 && gr <= g); /* R is the smaller one at s = 0 */
  double cross = (gr != g) ? log(b0 / r0) / (gr - g) : -1.0;
  if (cross <= 0 || cross >= t)
    return r_first ? exp_integral(r0, gr, 0, t) : exp_integral(b0, g, 0, t);
  return r_first ? exp_integral(r0, gr, 0, cross) + exp_integral(b0, g, cross, t)
                 : exp_integral(b0, g, 0, cross) + exp_integral(r0, gr, cross, t);
}

/* Filecoin: simple S (1 - e^(-lambda t)) plus baseline B (1 - e^(-lambda theta)), where the
 * effective network time theta solves integral_0^theta baseline = capped power so far:
 * theta = ln(1 + g X / b0) / g. */
static double filecoin_cumulative(const struct emission_params *p, double t)
{
  double lambda = M_LN2 / p->fil_half_life_s;
  double g = log1p(p->fil_baseline_growth_per_year) / EMISSION_YEAR_S;
  double gr = log1p(p->fil_power_growth_per_year) / EMISSION_YEAR_S;
  double b0 = p->fil_baseline_eib;
  double x = filecoin_capped_power(p->fil_power_eib, gr, b0, g, t);
  double theta = g > 0 ? log1p(g * x / b0) / g : x / b0;
  return -p->fil_simple_tokens * expm1(-lambda * t) -
         p->fil_baseline_tokens * expm1(-lambda * theta);
}

static double helium_cumulative(const struct emission_params *p, double t)
{
  double rate0 = p->hnt_tokens_per_month * 12.0 / EMISSION_YEAR_S;
  return halving_cumulative(rate0, p->hnt_halving_s, t);
}

static double custom_cumulative(const struct emission_params *p, double t)
{
  double rate0 = p->custom_rate0_tokens_per_year / EMISSION_YEAR_S, c;
  switch (p->curve) {
  case EMISSION_EXPONENTIAL: {
    double k = p->custom_decay_per_year / EMISSION_YEAR_S;
    c = k > 0 ? -rate0 * expm1(-k * t) / k : rate0 * t;
    break;
  }
  case EMISSION_HALVING:
    c = halving_cumulative(rate0, p->custom_halving_s, t);
    break;
  default:
    c = rate0 * t;
    break;
  }
  return p->custom_cap_tokens > 0 ? fmin(c, p->custom_cap_tokens) : c;
}

static const struct emission_schedule schedules[EMISSION_KIND_COUNT] = {
  {"io.net", ionet_cumulative},       {"render-bme", render_cumulative},
  {"bittensor", bittensor_cumulative}, {"filecoin", filecoin_cumulative},
  {"helium", helium_cumulative},       {"custom", custom_cumulative},
};

const struct emission_schedule *emission_schedule_of(enum emission_kind kind)
{
  return &schedules[kind < EMISSION_KIND_COUNT ? kind : EMISSION_CUSTOM];
}

void emission_params_default(struct emission_params *p, enum emission_kind kind)
{
  memset(p, 0, sizeof *p);
  p->kind = kind;
  p->split = (struct emission_split){1.0, 0.0, 0.0};
  p->ionet_base_tokens = EMISSION_IONET_BASE_TOKENS;
  p->ionet_r1_per_hour = EMISSION_IONET_R1_PER_HOUR;
  p->ionet_decay_per_hour = EMISSION_IONET_DECAY_PER_HOUR;
  p->ionet_cap_tokens = EMISSION_IONET_CAP_TOKENS;
  p->render_year_tokens[0] = EMISSION_RENDER_YEAR1_TOKENS;
  for (int k = 1; k < 5; k++)
    p->render_year_tokens[k] = EMISSION_RENDER_YEAR2_TOKENS;
  p->render_decay_per_year = EMISSION_RENDER_DECAY_PER_YEAR;
  p->bt_block_s = EMISSION_BITTENSOR_BLOCK_S;
  p->bt_tokens_per_block = EMISSION_BITTENSOR_TOKENS_PER_BLOCK;
  p->bt_max_supply_tokens = EMISSION_BITTENSOR_MAX_SUPPLY_TOKENS;
  p->fil_simple_tokens = EMISSION_FILECOIN_SIMPLE_TOKENS;
  p->fil_baseline_tokens = EMISSION_FILECOIN_BASELINE_TOKENS;
  p->fil_half_life_s = EMISSION_FILECOIN_HALF_LIFE_S;
  p->fil_baseline_eib = EMISSION_FILECOIN_BASELINE_EIB;
  p->fil_baseline_growth_per_year = EMISSION_FILECOIN_BASELINE_GROWTH_PER_YEAR;
  p->fil_power_eib = EMISSION_FILECOIN_BASELINE_EIB; /* default: the network meets baseline */
  p->fil_power_growth_per_year = EMISSION_FILECOIN_BASELINE_GROWTH_PER_YEAR;
  p->fil_immediate_share = EMISSION_FILECOIN_IMMEDIATE_SHARE;
  p->fil_vest_s = EMISSION_FILECOIN_VEST_S;
  p->hnt_tokens_per_month = EMISSION_HELIUM_TOKENS_PER_MONTH;
  p->hnt_halving_s = EMISSION_HELIUM_HALVING_S;
  p->hnt_net_cap_tokens_per_day = EMISSION_HELIUM_NET_CAP_TOKENS_PER_DAY;
  p->curve = EMISSION_CONSTANT;
  p->custom_rate0_tokens_per_year = 10e6; /* [unsourced default] */
  p->custom_decay_per_year = 0.1;         /* [unsourced default] */
  p->custom_halving_s = 4.0 * EMISSION_YEAR_S; /* Bitcoin-like [unsourced default] */
  switch (kind) {
  case EMISSION_IONET:
    p->genesis_tokens = EMISSION_IONET_GENESIS_TOKENS;
    break;
  case EMISSION_RENDER_BME:
    p->genesis_tokens = 530e6; /* RENDER circulating at migration, ~530M [unsourced default] */
    p->split = (struct emission_split){EMISSION_RENDER_OPERATOR_SHARE, 0.0,
                                       1.0 - EMISSION_RENDER_OPERATOR_SHARE};
    break;
  case EMISSION_BITTENSOR:
    p->genesis_tokens = 0;
    p->split = (struct emission_split){EMISSION_BITTENSOR_MINER_SHARE,
                                       EMISSION_BITTENSOR_VALIDATOR_SHARE,
                                       EMISSION_BITTENSOR_OWNER_SHARE};
    break;
  case EMISSION_FILECOIN:
    p->genesis_tokens = 900e6; /* 2B max minus 1.1B mined [spec]: allocations at genesis */
    break;
  case EMISSION_HELIUM:
    p->genesis_tokens = 0;
    break;
  default:
    p->genesis_tokens = 100e6; /* [unsourced default] */
    break;
  }
}

const char *emission_params_check(const struct emission_params *p)
{
  const struct emission_split *s = &p->split;
  if (s->operators < 0 || s->validators < 0 || s->treasury < 0 ||
      fabs(s->operators + s->validators + s->treasury - 1.0) > 1e-9)
    return "split fractions must be >= 0 and sum to 1";
  if (!(p->genesis_tokens >= 0))
    return "genesis must be >= 0";
  if (p->ionet_decay_per_hour < 0 || p->ionet_decay_per_hour >= 1 || p->ionet_r1_per_hour < 0)
    return "io.net rates must be in [0, 1)";
  if (p->bt_block_s <= 0 || p->bt_max_supply_tokens <= 0 || p->bt_initial_issuance_tokens < 0)
    return "bittensor block time and supply must be positive";
  if (p->fil_half_life_s <= 0 || p->fil_baseline_eib <= 0 || p->fil_power_eib <= 0 ||
      p->fil_vest_s < 0 || p->fil_immediate_share < 0 || p->fil_immediate_share > 1)
    return "filecoin half-life, baseline and power must be positive";
  if (p->hnt_halving_s <= 0 || p->custom_halving_s <= 0)
    return "halving periods must be positive";
  if (p->custom_rate0_tokens_per_year < 0 || p->custom_decay_per_year < 0)
    return "custom rate and decay must be >= 0";
  return NULL;
}

void emission_init(struct emission *e, const struct emission_params *p)
{
  memset(e, 0, sizeof *e);
  e->p = *p;
  e->schedule = emission_schedule_of(p->kind);
}

double emission_helium_net_day(double prev_target, double burned_today, double cap,
                               double *new_target)
{
  double target = prev_target * (6.0 / 7.0) + burned_today / 7.0;
  *new_target = target;
  return fmin(target, cap);
}

double emission_epoch(struct emission *e, double t0_s, double t1_s, double burned_tokens)
{
  double c0 = e->schedule->cumulative(&e->p, t0_s);
  double c1 = e->schedule->cumulative(&e->p, t1_s);
  double minted = fmax(0.0, c1 - c0);
  if (e->p.kind != EMISSION_HELIUM)
    return minted;
  e->day_burn += burned_tokens; /* credited to the day the epoch starts in */
  while (t1_s >= e->day_start_s + EMISSION_DAY_S) {
    double net = emission_helium_net_day(e->net_target, e->day_burn,
                                         e->p.hnt_net_cap_tokens_per_day, &e->net_target);
    minted += net;
    e->net_minted += net;
    e->day_burn = 0;
    e->day_start_s += EMISSION_DAY_S;
  }
  return minted;
}
