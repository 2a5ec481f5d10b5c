/* verify_private.h: the verification layer's run state, shared by the layer (verify.c), the
 * Gensyn tasks (verify_gensyn.c), the dispute (verify_dispute.c), settlement
 * (verify_settle.c), Bittensor scoring (verify_bittensor.c) and the report (verify_report.c).
 * Private to protocols/verify/.
 *
 * Actors. A task's contract is one actor on the control host (it never fails). Work on a
 * provider (training, a re-run, a dispute round) is a short-lived actor on that provider's
 * host that computes (sg_actor_execute) and moves bytes to or from storage on the control
 * host (sg_host_sendto); when the host fails the actor dies with it and the contract, which
 * joined it, sees that it did not finish. */
#ifndef DEPINSIM_PROTOCOLS_VERIFY_VERIFY_PRIVATE_H
#define DEPINSIM_PROTOCOLS_VERIFY_VERIFY_PRIVATE_H

#include <gsl/gsl_rng.h>
#include <simgrid/forward.h>
#include <stdbool.h>

#include "protocols/verify/verify.h"
#include "protocols/verify/verify_books.h"
#include "sim/engine/world.h"
#include "sim/results/hist.h"
#include "sim/scenario/scenario.h"

struct verify;
struct verify_bt;

/* One check of a task's result by a verifier (or a whistleblower's re-check). */
struct vcheck {
  size_t provider;
  int behavior;            /* enum behavior of the checker */
  bool whistleblower;      /* a re-check of an approving verifier */
  size_t of_check;         /* whistleblower: the check it re-checks */
  bool worked;             /* re-ran the segment (lazy and colluding approvals do not) */
  bool finished;           /* the actor got to the end (its host stayed up) */
  bool flagged;            /* distance beyond the threshold */
  double gpu_s;            /* re-run time */
  double deposit;          /* locked for the task */
};

struct vtask {
  struct verify *v;
  size_t id;
  size_t solver;
  int behavior;            /* enum behavior of the solver */
  double submitted_at, started_at, result_at, done_at;
  double flops;            /* the whole training */
  unsigned segments;
  double segment_flops;
  double steps_per_segment;
  double gpu_s;            /* the solver's GPU-seconds for the full training */
  double cost_usd;         /* the solver's cost of the full training */
  double fee, solver_deposit;
  bool forced;             /* a forced error: an honest solver submits a known wrong result */
  bool bad;                /* the submitted result is wrong (cheat or forced) */
  double shift_sigmas;     /* distance of a re-run: 0 honest, lazy skip x divergence, INFINITY */
  double threshold;        /* the distance threshold profiling set, in units of the true noise */
  double work_fraction;    /* of the training the solver actually does */
  bool trained;            /* the solver's actor finished */
  double solver_gpu_s;     /* what the solver actually spent */
  struct vcheck *checks;   /* verifier slots filled, then whistleblower re-checks */
  unsigned n_checks, cap_checks;
  double expected_profit;  /* the closed form of the solver's strategy (verify_game.h) */
  double detect_expected;  /* closed-form probability the verifiers catch it (bad results) */
  size_t live_index;       /* in verify.live */
  struct vtask *next;      /* in the queue */
};

/* Per behaviour: one role's money, count and work. */
struct vrole {
  double count, income, cost, slashed, expected;
};

struct verify {
  struct world *w;
  const struct verify_conf *c;
  gsl_rng *rng;                  /* one stream: actors draw in the engine's (deterministic) order */
  unsigned char *behavior;       /* per provider, enum behavior */
  bool *busy;                    /* solving */
  sg_host_t storage;             /* checkpoints and the arbiter: the control host */
  verify_books_t *books;
  void *ledger;                  /* NULL without a ledger layer */
  struct vtask *queue_head, *queue_tail;
  size_t queued, next_id;
  struct vtask **live;           /* started tasks whose contract still runs (freed at the end) */
  size_t n_live, cap_live;
  double behavior_share[BEHAVIOR_COUNT]; /* of all providers */
  hist_t *detection_time, *task_time, *dispute_rounds;

  /* counters, over tasks submitted after warm-up */
  double submitted, started, completed, lost;
  double bad_results, detected, detect_expected, escaped;
  double forced, forced_caught, jackpots_usd;
  double false_flags, honest_checks, false_flags_expected, disputes, dispute_rounds_expected;
  double onchain_tx, onchain_usd, onchain_wait_s;
  double useful_gpu_s, useful_cost_usd, verify_gpu_s, whistle_gpu_s, dispute_gpu_s, profile_gpu_s;
  double verify_expected_gpu_s, replica_gpu_s, replica_cost_usd, solver_gpu_s;
  double fees_usd, refunds_usd, verify_cost_usd;
  double checks, whistle_checks;
  struct vrole solver_role[BEHAVIOR_COUNT], verifier_role[BEHAVIOR_COUNT];

  struct verify_bt *bt;          /* kind bittensor */
};

/* verify.c */
/* Seconds provider i's node takes for flops at the tasks' precision, its GPU-seconds (x its
 * GPUs) and their cost at its class's cost_per_hour. Cannot fail. */
double verify_node_seconds(const struct verify *v, size_t i, double flops);
double verify_gpu_seconds(const struct verify *v, size_t i, double flops);
double verify_gpu_cost_usd(const struct verify *v, size_t i, double gpu_s);
/* A random provider that is up, not `avoid` and (when not_busy) not solving; SIZE_MAX when
 * none was found in a bounded number of draws. */
size_t verify_pick_provider(struct verify *v, size_t avoid, bool not_busy);
/* Starts fn as an actor on provider i's host with data arg; NULL when the host is down.
 * verify_join waits for it to end (or die with its host) and drops the reference (NULL:
 * no-op). verify_run_on does both. */
sg_actor_t verify_start_on(struct verify *v, size_t i, const char *name,
                           void (*fn)(int, char **), void *arg);
void verify_join(sg_actor_t a);
void verify_run_on(struct verify *v, size_t i, const char *name, void (*fn)(int, char **),
                   void *arg);
/* Whether t counts in the measurements (submitted after warm-up). */
bool verify_counts(const struct verify *v, const struct vtask *t);

/* verify_gensyn.c: the submitters' generator and each task's contract. */
void verify_gensyn_deploy(struct verify *v);
void verify_gensyn_free(struct verify *v);

/* verify_dispute.c: the pinpoint dispute between solver and challenger over t's checked
 * segment, then the last operator on chain. Returns true when the result was proven wrong
 * (the solver loses), false when the solver's result stands. Rounds and GPU time are counted
 * into v. */
bool verify_dispute(struct verify *v, struct vtask *t, size_t challenger);

/* verify_settle.c: what a finished task pays and slashes (books, token layer, counters). */
enum vsettle { VSETTLE_PASSED, VSETTLE_FAULT, VSETTLE_LOST };
void verify_settle(struct verify *v, struct vtask *t, enum vsettle how, size_t challenger);
/* A challenger lost a dispute against a correct result: its deposit is slashed to the
 * solver. */
void verify_settle_false_challenge(struct verify *v, struct vtask *t, struct vcheck *c);
/* A whistleblower proved that verifier check c approved a wrong result: c's deposit is
 * slashed to the whistleblower wb. */
void verify_settle_verifier_fault(struct verify *v, struct vtask *t, struct vcheck *c,
                                  size_t wb);
/* A forced error was caught by provider: the jackpot from the treasury. */
void verify_settle_jackpot(struct verify *v, struct vtask *t, size_t provider);

/* verify_bittensor.c */
void verify_bt_deploy(struct verify *v);
void verify_bt_report(struct verify *v);
void verify_bt_free(struct verify *v);

/* verify_report.c */
extern const struct metric_def verify_metrics[];
void verify_report(void *state, struct world *w);

#endif
