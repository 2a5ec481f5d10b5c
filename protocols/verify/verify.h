/* verify.h: the verification layer: how a network pays for work it cannot see.
 *
 * kind: gensyn (Gensyn litepaper, Feb 2022; docs/reference/protocols.md). Submitters post training
 * tasks (a Poisson stream, `tasks`) with a fee; a solver is drawn from the idle providers.
 * First a profiler (another random provider) fetches the initial model and re-runs the first
 * segment profiling_runs times with different seeds: the spread of those runs sets the
 * distance threshold (threshold_sigmas times the estimated noise scale, verify_game.h). The
 * solver then trains segment by segment and uploads a checkpoint (2 x params bytes: weights;
 * the data indices are negligible) to storage after each, every checkpoint_interval of its
 * training time. Each of `verifiers` slots is filled with probability verify_prob by a random
 * provider, which fetches the checkpoints bracketing one random segment, re-runs it and
 * compares the distance with the threshold. If every verifier approved, whistleblowers
 * re-check each approval with probability whistleblower_prob. A flag starts the pinpoint
 * dispute (pinpoint.h, verify_dispute.c): bisection over the segment's steps, then over the
 * disputed step's operators, each round the two parties' recomputation and a message each to
 * the arbiter; the last operator is executed on chain (ledger_submit, onchain_tx transactions,
 * onchain_cost USD, arbitration_time) and the loser is slashed. Forced errors
 * (forced_error_rate) make an honest solver submit a known wrong result; whoever flags one
 * wins the jackpot from the treasury, and a verifier a whistleblower caught approving one is
 * slashed. A forced error nobody flags costs nobody anything.
 *
 * Behaviours (provider class `behavior`, assigned to each provider in its class's proportions):
 * honest; lazy (as solver skips lazy_skip of the work and returns plausible checkpoints, as
 * verifier approves without re-running); malicious (as solver returns wrong checkpoints
 * without training; verifies honestly); colluding (as solver returns wrong results, as
 * verifier approves colluding solvers and checks others honestly). Whistleblowers are paid
 * only for what they catch, so they always re-check.
 *
 * Economics (verify_books.h, verify_settle.c): the fee is (1 + fee_markup) x the solver's
 * calibrated compute at its class's cost_per_hour / (1 - treasury_cut - k x verify_prob /
 * segments), so that after the treasury's cut and the expected checks (each paid fee /
 * segments) the solver keeps its cost plus the markup; the share is kept >= 5%. The solver
 * pays for checks beyond those expected and keeps what fewer checks leave. Deposits
 * (solver_deposit, verifier_deposit) are multiples of the fee, slashed by slash_fraction and
 * split by slash_split (the token layer's staking_slash). Payments and proven faults also go
 * to the token layer (token_record_payment / token_record_fault) when the scenario has one.
 * Gas for arbitration and the profiler's work are counted as costs but charged to nobody.
 *
 * kind: bittensor (opentensor/subtensor). The `bittensor.validators` highest-staked providers
 * query `queries` random miners each tempo (an inference of query_tokens on the miner), score
 * the answers that arrive within the timeout by quality (honest 1, lazy and colluding 0.5,
 * malicious 0), keep an exponential average of scores as weights, and Yuma consensus (the
 * token layer's yuma.h) turns weights and stakes into miner incentive and validator
 * dividends of each tempo's emission. Validators whose provider is colluding put all their
 * weight on colluding miners: the dishonest cluster whose effect the run measures.
 *
 * Training. A solver trains through the same cost model as the market's training workload
 * (6 x params x tokens FLOPs at the model's precision, an exec priced by the calibration
 * profile on the solver's host, checkpoints of 2 x params bytes as flows to storage on the
 * control host), one node per task: the market's clusters, auction and leases are private to
 * protocols/market/ and a verified task is not data-parallel. Re-runs, dispute rounds and
 * Bittensor answers are execs of the same kind on the checker's, party's or miner's host.
 *
 * Simplifications: the solver is drawn uniformly from the idle providers that are up (the
 * litepaper's mempool-like pool), not through an auction; the solver waits for each
 * checkpoint's upload before the next segment; a verifier re-runs exactly one
 * random segment; distances are Gaussian in units of the profiled noise (verify_game.h); a
 * result proven wrong is refunded, not re-run; the replication baseline is computed from the
 * calibrated rates of k random providers rather than run. */
#ifndef DEPINSIM_PROTOCOLS_VERIFY_VERIFY_H
#define DEPINSIM_PROTOCOLS_VERIFY_VERIFY_H

#include <stdbool.h>

#include "protocols/token/staking.h"
#include "sim/device/profile.h"
#include "sim/scenario/layer.h"

extern const struct depin_layer verify_layer;

enum verify_kind { VERIFY_GENSYN, VERIFY_BITTENSOR };

/* verify.tasks: the submitters' training tasks. */
struct verify_tasks_conf {
  double rate_per_s;          /* arrivals, default 1/min */
  double params;              /* model parameters, default 125e6 */
  enum precision precision;   /* default bf16 */
  double tokens;              /* training tokens, default 1e7 */
  double steps;               /* optimizer steps, default 1000 */
  double checkpoint_interval_s; /* of the solver's training time, default 60 s */
};

/* verify.bittensor */
struct verify_bt_conf {
  long validators;            /* default 8 (subtensor allows up to 128) */
  double tempo_s;             /* default 360 blocks x 12 s = 72 min (subtensor) */
  long queries;               /* miners each validator queries per tempo, default 16 */
  double query_tokens;        /* tokens generated per answer, default 256 */
  double timeout_s;           /* an answer later than this scores 0, default 12 s */
  double tokens_per_block;    /* emission, default 0.5 TAO (since Dec 2025) */
  double block_s;             /* default 12 s */
  double score_alpha;         /* weight of a new score in the moving average, default 0.1 */
};

struct verify_conf {
  enum verify_kind kind;
  double verify_prob;         /* default 0.1 */
  long verifiers;             /* k slots per task, default 1 */
  double forced_error_rate;   /* default 0.01 */
  double jackpot_usd;         /* default 10 */
  struct slash_params slash;  /* slash_fraction 0.5; split burn/whistleblower/treasury 0.5/0.25/0.25 */
  double solver_deposit;      /* in fees, default 2 */
  double verifier_deposit;    /* in fees, default 1 */
  double treasury_cut;        /* default 0.01 ("a very small percentage") */
  double fee_markup;          /* default 0.2 */
  double whistleblower_prob;  /* default 0.05 */
  double threshold_sigmas;    /* default 4 */
  long profiling_runs;        /* seeded runs of a segment that set the noise scale, default 8;
                               * 0: the scale is known exactly [unsourced] */
  double lazy_skip;           /* default 0.5 */
  double lazy_divergence;     /* sigmas per unit of skipped work, default 10 */
  double ops_per_step;        /* operators in one training step's graph, default 4096 */
  double onchain_tx;          /* transactions per arbitration, default 1 */
  double onchain_cost_usd;    /* gas of one arbitration, default 0.05 */
  double arbitration_s;       /* time to execute the operator on chain, default 1 s */
  long replication;           /* k of the replication baseline, default 7 (litepaper's Truebit) */
  struct verify_tasks_conf tasks;
  struct verify_bt_conf bt;
};

/* Size of a dispute message: the parties' state hashes at the midpoint with a signature. */
#define VERIFY_DISPUTE_MSG_BYTES 256.0
/* A verification query or fetch request. */
#define VERIFY_REQUEST_BYTES 256.0
/* Bytes per generated token in a Bittensor answer (UTF-8 text plus framing). */
#define VERIFY_BT_BYTES_PER_TOKEN 4.0

/* Parses/validates the section (verify_conf.c); used by the layer table. */
void *verify_conf_parse(cfg_t *cfg, struct cfg_node section);
bool verify_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg);
void verify_conf_free(void *conf);

#endif
