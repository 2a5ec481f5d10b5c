/* token_sim.h: the token economy's epoch loop: emissions, payments and fees, burns, the market
 * price, staking and slashing, vesting, the treasury and operators entering and leaving.
 *
 * Pure arithmetic on plain structs (no SimGrid, no scenario reader), so it runs in tests and
 * benchmarks alone; the token layer (token_layer.c) feeds it the scenario and the events other
 * layers record. Operators are a struct-of-arrays table with per-group reward accumulators
 * (operators.h), so an epoch costs O(classes + entries + exits), not O(operators), while each
 * operator's rewards stay exact for the Gini and Nakamoto coefficients.
 *
 * One epoch [t, t + dt): demand (GPU-hours) fills the cheapest classes' real capacity; users
 * pay price = cost x (1 + markup) per GPU-hour, split by fees.h (or, for Render's BME, 5% to
 * the foundation and the rest burned at the current price); buy-backs burn; the schedule (or
 * the PID controller) mints, split between operators (by GPUs, work and, for Bittensor, Yuma
 * incentive), validators and the treasury; operators sell sell_fraction of what became liquid;
 * allocations unlock (investors sell at a rate, the foundation's go to the treasury); the
 * treasury pays its cash burn; sybils are caught; cohorts whose trailing revenue stayed below
 * cost for the patience window leave, and new operators join while revenue per GPU-hour
 * exceeds their cost. Every number without a published source is a parameter whose default
 * token_config_default documents as [unsourced].
 *
 * Protocol rewards (0G's PoDAS and PoRA) are a second kind of operator income beside the
 * emission: users pay fees in tokens into a protocol's pool (the DA blob fee pool, the storage
 * endowment) and the protocol pays them out, in tokens, to the operators whose nodes answered.
 * The fees are neither revenue nor burn here (fees.h takes a cut of USD payments for compute;
 * 0G keeps no cut of these and burns none): they move from the free float into BOOK_PROTOCOL,
 * out of circulation, and rewards move them on to BOOK_OPERATORS. A reward is the operator's
 * own (its per-operator tokens, so Gini and Nakamoto see it), counts in its class's revenue at
 * the epoch's price and in APR, and is sold at sell_fraction like the emission it stands
 * beside. A reward its pool cannot fund (DA's base_reward, or fees never recorded) is minted
 * and counted apart (rewards_minted): the schedule did not emit it. */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_TOKEN_SIM_H
#define DEPINSIM_PROTOCOLS_TOKEN_TOKEN_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocols/token/emission.h"
#include "protocols/token/fees.h"
#include "protocols/token/operators.h"
#include "protocols/token/staking.h"
#include "protocols/token/token_books.h"

/* Gensyn litepaper cost table (V100-equivalent USD per hour). */
#define TOKEN_AWS_V100_USD_PER_GPU_HOUR 2.00
#define TOKEN_GENSYN_PROJECTED_USD_PER_GPU_HOUR 0.40
/* io.net, April 2024: ~1.8M fake GPUs tried to connect against ~12,000 verifiable ones. */
#define TOKEN_IONET_SYBIL_GPUS_2024 1.8e6
#define TOKEN_IONET_VERIFIED_GPUS_2024 12000.0

enum token_alloc { TOKEN_ALLOC_INCENTIVES, TOKEN_ALLOC_INVESTORS, TOKEN_ALLOC_FOUNDATION,
                   TOKEN_ALLOC_LIQUIDITY, TOKEN_ALLOC_IDLE, TOKEN_ALLOC_COUNT };
/* "incentives", "investors", "foundation", "liquidity", "idle"; NULL-terminated. */
extern const char *const token_alloc_names[];

/* A share of genesis with its vesting: incentives unlock into operator rewards, investors'
 * into the market (then sold at investor_sell_per_day), the foundation's into the treasury,
 * idle into the market; liquidity is free at genesis. */
struct token_allocation {
  double share, cliff_s, vesting_s;
};

/* The protocols whose users pay fees in tokens into a pool that pays rewards out: 0G's PoDAS
 * (DA sampling, paid from the blob fee pool) and PoRA (storage mining, paid from the
 * endowment). One escrow each, so one protocol's rewards never draw on another's fees. */
enum token_reward_source { TOKEN_REWARD_PODAS, TOKEN_REWARD_PORA, TOKEN_REWARD_SOURCES };
extern const char *const token_reward_source_names[]; /* "podas", "pora"; NULL-terminated */

enum token_control { TOKEN_CONTROL_NONE, TOKEN_CONTROL_APR, TOKEN_CONTROL_UTILIZATION };
extern const char *const token_control_names[]; /* "none", "apr", "utilization" */

struct token_config {
  struct emission_params emission;
  double epoch_s, horizon_s;
  uint64_t seed;
  /* market */
  bool price_fixed;
  double price_initial, pool_depth_usd, pool_fee;
  double sell_fraction;            /* of rewards becoming liquid, sold each epoch */
  double buy_usd_per_day;          /* speculative buyers */
  /* fees */
  struct fee_params fees;
  bool bme;                        /* Render burn-and-mint: users' USD burns tokens */
  double bme_fee;
  /* staking */
  double min_stake_per_gpu, cooldown_s;
  struct slash_params slash;
  /* operators */
  const struct token_class *classes; /* borrowed */
  size_t n_classes, max_operators; /* 0: launch + the entries the rate allows (<= 4M) */
  double patience_s, entry_rate_per_s, max_growth_per_day, entry_apr_threshold;
  double setup_usd_per_gpu, setup_payback_s, cost_spread, markup, work_weight;
  double entry_max_slippage;       /* an entrant buys its stake only below spot x (1 + this) */
  size_t cost_bins;
  double sybil_check_interval_s, sybil_detect_prob;
  /* demand: GPU-hours wanted per hour, growing; or, with network_demand, what the simulated
   * network served (token_sim_payment and token_sim_served), the model's own demand unused */
  double demand_gpu_h_per_h, demand_growth_per_year;
  bool network_demand;
  /* supply side */
  struct token_allocation alloc[TOKEN_ALLOC_COUNT];
  double investor_sell_per_day;
  double treasury_usd, treasury_burn_usd_per_month;
  /* emission controller (replaces the schedule when not NONE) */
  enum token_control control;
  double control_setpoint, kp, ki, kd, control_rate0_per_year, control_max;
  /* Bittensor: Yuma over validators; lazy ones weight claimed GPUs instead of work */
  size_t validators;
  double lazy_validator_share;
};

/* A kind's defaults (see token_sim.c for each default and its source). Cannot fail. */
void token_config_default(struct token_config *c, enum emission_kind kind);
/* NULL when valid, else a static message on the first problem. */
const char *token_config_check(const struct token_config *c);

/* What one epoch did and where things stand after it. Per-class arrays are borrowed until the
 * next step. Quantities in tokens, USD, seconds; rates per epoch unless named. */
struct token_epoch {
  size_t index;
  double t_s;                      /* end of the epoch */
  double price, supply, circulating, market_cap, staked, staked_ratio;
  double minted, burned, burn_mint_ratio;  /* this epoch */
  double treasury_tokens, treasury_usd, runway_s;
  double apr, utilization, user_usd_per_gpu_hour, served_gpu_hours;
  double protocol_fees;            /* tokens users paid into the protocols' pools */
  double protocol_rewards[TOKEN_REWARD_SOURCES]; /* tokens the protocols paid operators */
  double rewards_minted;           /* of those, what the pools could not fund */
  double escrow;                   /* tokens the pools hold after the epoch (BOOK_PROTOCOL) */
  long operators, sybils, entered, left, caught;
  long refused;                    /* entrants turned away: table full or no stake to buy */
  const double *class_nodes, *class_revenue_usd_per_gpu_h, *class_profit_usd_per_gpu_h;
  bool conserved;                  /* minted = sum of all books, to 1e-9 */
};

typedef void (*token_epoch_fn)(const struct token_epoch *e, void *ctx);

typedef struct token_sim token_sim_t;

/* A simulation at genesis (allocations minted, pool seeded, operators staked). The config is
 * copied; its classes are borrowed until token_sim_free. Returns NULL when the config is
 * invalid (token_config_check) or memory runs out. */
token_sim_t *token_sim_new(const struct token_config *c);
void token_sim_free(token_sim_t *s);

/* Events for the coming epoch, from other layers: a user's payment of usd for a job run by
 * operator op (fees apply), and a proven fault of op (slashed). Unknown or departed operators
 * are ignored. Cannot fail. */
void token_sim_payment(token_sim_t *s, size_t op, double usd);
void token_sim_fault(token_sim_t *s, size_t op);
/* The network served gpu_hours of work on operator op's node this epoch (with
 * network_demand: utilisation, the cost per GPU-hour users paid, work-weighted rewards).
 * Unknown or departed operators and non-positive amounts are ignored. Cannot fail. */
void token_sim_served(token_sim_t *s, size_t op, double gpu_hours);
/* Users pay `tokens` of fees into source's pool (a blob fee, a storage endowment): from the
 * free float (BOOK_MARKET, where users' tokens are), the rest bought through the market; what
 * the market cannot supply is not paid. Non-positive or non-finite amounts are ignored. */
void token_sim_fee(token_sim_t *s, enum token_reward_source source, double tokens);
/* Source's protocol pays operator op `tokens` (PoDAS answers, PoRA claims): credited to op now,
 * moved out of source's pool when the epoch runs. Returns the tokens credited: 0 for an unknown
 * or departed operator, a bad source or a non-positive or non-finite amount. */
double token_sim_reward(token_sim_t *s, size_t op, enum token_reward_source source,
                        double tokens);
/* Removes operator op (a proven fake, after its slash); its stake left unstakes. */
void token_sim_evict(token_sim_t *s, size_t op);

/* Runs one epoch; returns false (doing nothing) at the horizon. */
bool token_sim_step(token_sim_t *s);
/* Runs to the horizon, calling fn (may be NULL) after each epoch. */
void token_sim_run(token_sim_t *s, token_epoch_fn fn, void *ctx);
/* The last epoch's record (zeros before the first step). */
const struct token_epoch *token_sim_last(const token_sim_t *s);
const struct token_books *token_sim_books(const token_sim_t *s);
const operators_t *token_sim_operators(const token_sim_t *s);
size_t token_sim_epoch_count(const token_sim_t *s);

struct token_summary {
  double gini_rewards;          /* over every operator that ever took part */
  size_t nakamoto_rewards;      /* fewest operators holding > 50% of rewards */
  double sybil_reward_share;    /* of operator rewards that went to sybils */
  double rewards_total;
};
/* Computes the summary over all operators. Returns false when out of memory. */
bool token_sim_summary(const token_sim_t *s, struct token_summary *out);

#endif
