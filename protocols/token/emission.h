/* emission.h: token emission schedules, one closed form per protocol, chosen by name.
 *
 * A schedule (struct emission_schedule, in the manner of gsl_rng_type) is an algorithm: its
 * name and the cumulative number of tokens it has emitted t seconds after launch, in closed
 * form. An instance (struct emission) pairs a schedule with its parameters and the state that
 * schedules driven by events need (Helium's net emissions follow the burn). Tokens minted in
 * an epoch [t0, t1) are cumulative(t1) - cumulative(t0) plus, for Helium, the re-mint of what
 * was burned. Genesis supply is not emission: the token simulation mints it once.
 *
 * Time is in seconds from launch; a year is 365 days (io.net counts 8,760 hours a year,
 * Filecoin 1,051,200 thirty-second epochs). Every figure below is a parameter with the
 * protocol's published value as its default; the constants name their source. */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_EMISSION_H
#define DEPINSIM_PROTOCOLS_TOKEN_EMISSION_H

#include <stdbool.h>
#include <stddef.h>

#define EMISSION_HOUR_S 3600.0
#define EMISSION_DAY_S 86400.0
#define EMISSION_YEAR_S (365.0 * 86400.0)

/* io.net (docs.io.net tokenomics): 500M IO at launch, hour t emits 500M x r_t with
 * r_1 = 8%/8760 and r_t = r_{t-1} x (1 - 0.0000138869524); total supply capped at 800M. */
#define EMISSION_IONET_GENESIS_TOKENS 500e6
#define EMISSION_IONET_BASE_TOKENS 500e6
#define EMISSION_IONET_R1_PER_HOUR (0.08 / 8760.0)
#define EMISSION_IONET_DECAY_PER_HOUR 0.0000138869524
#define EMISSION_IONET_CAP_TOKENS 800e6
/* Render (RNP-001/RNP-006/RNP-018): year 1 emits 9,126,804 RENDER (760,567 a month), year 2
 * 5.9M; after year 5 each year is 0.945 of the one before. Node operators get 190,142 a month
 * of year 1's 760,567 (= 25%). Years 3-5 are not published: they default to year 2's figure. */
#define EMISSION_RENDER_YEAR1_TOKENS 9126804.0
#define EMISSION_RENDER_YEAR2_TOKENS 5.9e6
#define EMISSION_RENDER_DECAY_PER_YEAR 0.945
#define EMISSION_RENDER_OPERATOR_SHARE (190142.0 / 760567.0)
/* Bittensor (opentensor/subtensor): 1 TAO a block of 12 s, halving each time issuance crosses
 * 21M x (1 - 2^-k) (10.5M, 15.75M, ...); split 18% owner / 41% miners / 41% validators. */
#define EMISSION_BITTENSOR_BLOCK_S 12.0
#define EMISSION_BITTENSOR_TOKENS_PER_BLOCK 1.0
#define EMISSION_BITTENSOR_MAX_SUPPLY_TOKENS 21e6
#define EMISSION_BITTENSOR_OWNER_SHARE 0.18
#define EMISSION_BITTENSOR_MINER_SHARE 0.41
#define EMISSION_BITTENSOR_VALIDATOR_SHARE 0.41
/* Filecoin (spec, token minting): simple minting 330M FIL with a 6-year half-life, baseline
 * minting 770M FIL against a baseline of 2.5 EiB doubling each year; rewards pay 25% at once
 * and vest 75% linearly over 180 days. */
#define EMISSION_FILECOIN_SIMPLE_TOKENS 330e6
#define EMISSION_FILECOIN_BASELINE_TOKENS 770e6
#define EMISSION_FILECOIN_HALF_LIFE_S (6.0 * EMISSION_YEAR_S)
#define EMISSION_FILECOIN_BASELINE_EIB 2.5
#define EMISSION_FILECOIN_BASELINE_GROWTH_PER_YEAR 1.0 /* +100%/year */
#define EMISSION_FILECOIN_IMMEDIATE_SHARE 0.25
#define EMISSION_FILECOIN_VEST_S (180.0 * EMISSION_DAY_S)
/* Helium (HIP-20, HIP-51): 5M HNT a month at launch, halving every 2 years; net emissions
 * re-mint burned HNT with target = 6/7 previous + 1/7 today's burn, capped 1,643.8356 HNT/day. */
#define EMISSION_HELIUM_TOKENS_PER_MONTH 5e6
#define EMISSION_HELIUM_HALVING_S (2.0 * EMISSION_YEAR_S)
#define EMISSION_HELIUM_NET_CAP_TOKENS_PER_DAY 1643.8356

enum emission_kind {
  EMISSION_IONET,
  EMISSION_RENDER_BME,
  EMISSION_BITTENSOR,
  EMISSION_FILECOIN,
  EMISSION_HELIUM,
  EMISSION_CUSTOM,
  EMISSION_KIND_COUNT
};
/* "io.net", "render-bme", "bittensor", "filecoin", "helium", "custom"; NULL-terminated. */
extern const char *const emission_kind_names[];

/* The shape of a custom schedule. */
enum emission_curve { EMISSION_CONSTANT, EMISSION_EXPONENTIAL, EMISSION_HALVING,
                      EMISSION_CURVE_COUNT };
extern const char *const emission_curve_names[]; /* "constant", "exponential", "halving" */

/* Who receives an epoch's emission (fractions summing to 1). Operators share theirs by work
 * and availability; validators' share goes by Yuma dividends or, without Yuma, to stakers;
 * the treasury's share to the foundation (Render) or subnet owner (Bittensor). */
struct emission_split {
  double operators, validators, treasury;
};

/* Every parameter of every kind; emission_params_default fills a kind's published values. */
struct emission_params {
  enum emission_kind kind;
  double genesis_tokens;      /* minted once at launch by the token simulation */
  struct emission_split split;
  /* io.net */
  double ionet_base_tokens, ionet_r1_per_hour, ionet_decay_per_hour, ionet_cap_tokens;
  /* render: year 1..5 emissions (tokens), then decay per year */
  double render_year_tokens[5], render_decay_per_year;
  /* bittensor */
  double bt_block_s, bt_tokens_per_block, bt_max_supply_tokens, bt_initial_issuance_tokens;
  /* filecoin: network raw-byte power R(t) = power_eib x e^(growth t) against the baseline */
  double fil_simple_tokens, fil_baseline_tokens, fil_half_life_s, fil_baseline_eib,
         fil_baseline_growth_per_year, fil_power_eib, fil_power_growth_per_year;
  double fil_immediate_share, fil_vest_s;
  /* helium */
  double hnt_tokens_per_month, hnt_halving_s, hnt_net_cap_tokens_per_day;
  /* custom: rate0 tokens/year at launch; exponential: rate0 e^(-decay t); halving: rate0 /
   * 2^floor(t / half_period); cap_tokens > 0 caps the total emitted (0: none) */
  enum emission_curve curve;
  double custom_rate0_tokens_per_year, custom_decay_per_year, custom_halving_s,
         custom_cap_tokens;
};

/* An emission algorithm: the closed form of its cumulative emission (tokens) at time t >= 0
 * (seconds since launch), without genesis and without event-driven re-mints. */
struct emission_schedule {
  const char *name;
  double (*cumulative)(const struct emission_params *p, double t_s);
};

/* The schedule of a kind (static, never NULL for a valid kind). */
const struct emission_schedule *emission_schedule_of(enum emission_kind kind);

/* Fills *p with a kind's published defaults. Cannot fail. */
void emission_params_default(struct emission_params *p, enum emission_kind kind);

/* Checks parameters; returns NULL when valid, or a static message naming the first bad one. */
const char *emission_params_check(const struct emission_params *p);

/* An emission instance: schedule, parameters and Helium's net-emission state. Plain value
 * type: initialise with emission_init, no teardown. */
struct emission {
  const struct emission_schedule *schedule;
  struct emission_params p;
  double net_target;          /* Helium: last day's net-emission target (tokens) */
  double day_burn;            /* Helium: tokens burned so far in the current day */
  double day_start_s;         /* Helium: start of the current day */
  double net_minted;          /* Helium: total re-minted by net emissions */
};

void emission_init(struct emission *e, const struct emission_params *p);

/* Tokens to mint for the epoch [t0, t1) given the tokens burned during it (Helium re-mints
 * them by its net-emission rule at each day's end; other kinds ignore burned). Epochs must be
 * given in order. Cannot fail; never negative. */
double emission_epoch(struct emission *e, double t0_s, double t1_s, double burned_tokens);

/* Helium's net-emission rule for one day: new target and the amount minted (the target
 * capped at cap). Pure; exposed for tests. */
double emission_helium_net_day(double prev_target, double burned_today, double cap,
                               double *new_target);

/* Bittensor's block emission at a given issuance: tokens_per_block / 2^floor(log2(1 / (1 -
 * issuance / max_supply))); 0 at or beyond max_supply. */
double emission_bittensor_block_reward(double tokens_per_block, double max_supply,
                                       double issuance);

#endif
