/* verify_private.h: the verification layer's run state, shared by its actors
 * (verify_gensyn.c, verify_train.c, verify_bittensor.c), its settlement (verify_settle.c) and
 * its report (verify_report.c). Private to protocols/verify/. */
#ifndef DEPINSIM_PROTOCOLS_VERIFY_VERIFY_PRIVATE_H
#define DEPINSIM_PROTOCOLS_VERIFY_VERIFY_PRIVATE_H

#include <gsl/gsl_rng.h>
#include <simgrid/forward.h>
#include <stdbool.h>

#include "protocols/verify/verify.h"
#include "protocols/verify/verify_books.h"
#include "sim/scenario.h"
#include "sim/world.h"

struct verify;
struct vtask;

/* What the hub (the storage and arbiter host) receives. */
enum vmsg_kind { VMSG_UPLOAD, VMSG_FETCH, VMSG_DISPUTE };
struct vmsg {
  enum vmsg_kind kind;
  struct vtask *task;
  double bytes;            /* VMSG_FETCH: what to send back */
};

/* One approval or check of a task by a verifier. */
struct vcheck {
  size_t provider;
  bool approved;           /* signed the result */
  bool worked;             /* re-ran the segment (lazy and colluding approvals do not) */
  double deposit;          /* locked */
};

struct vtask {
  struct verify *v;
  size_t id;
  unsigned slot;           /* its mailbox "verify-slot-<slot>" while it runs */
  size_t solver;
  int solver_behavior;     /* enum behavior */
  double submitted_at, started_at, result_at;
  double flops;            /* the whole training */
  unsigned segments;
  double steps_per_segment;
  double fee, solver_deposit;
  bool forced;             /* a forced error: the solver submits a known wrong result */
  bool bad;                /* the submitted result is wrong (cheat or forced) */
  double shift_sigmas;     /* distance of a re-run: 0 honest, lazy skip x divergence, INFINITY */
  double solver_gpu_s, solver_cost_usd; /* what training cost the solver */
  struct vcheck *checks;   /* k slots at most plus a whistleblower */
  unsigned n_checks;
  bool solver_released, settled;
  double solver_income, solver_slashed;
  struct vmsg upload, fetch, dispute;
  struct vtask *next;      /* in the pending queue */
};

/* Per behaviour: a role's money and count. */
struct vrole {
  double count, income, cost, slashed;
};

struct verify {
  struct world *w;
  const struct verify_conf *c;
  gsl_rng *rng;                  /* one stream: actors draw in the engine's order */
  unsigned char *behavior;       /* per provider, enum behavior */
  bool *busy;                    /* solving */
  size_t *idle, *idle_pos, n_idle;
  struct vtask *queue_head, *queue_tail;
  size_t queued;
  struct vtask **slots;          /* running tasks by slot (for freeing at the end) */
  unsigned *free_slots, n_free_slots, n_slots, cap_slots;
  sg_mailbox_t hub;
  sg_host_t hub_host;
  verify_books_t *books;
  struct token_state *token;     /* NULL without a token layer */
  void *ledger;                  /* NULL without a ledger layer */
  size_t next_id;
  hist_t *detection_time, *task_time, *dispute_rounds;

  /* counters (after warm-up where it matters: see verify_report.c) */
  double submitted, started, completed, lost;
  double bad_results, detected, detect_closed_form_sum, escaped;
  double forced, forced_caught, jackpots_usd;
  double false_flags, honest_checks, disputes, onchain_tx, onchain_usd;
  double useful_gpu_s, solver_gpu_s, verify_gpu_s, dispute_gpu_s, replica_gpu_s;
  double compute_usd, fees_kept_usd, slashed_usd, segments_sum;
  struct vrole solver_role[BEHAVIOR_COUNT], verifier_role[BEHAVIOR_COUNT];

  struct verify_bt *bt;          /* kind bittensor */
};

/* verify_gensyn.c */
void verify_gensyn_deploy(struct verify *v);
void verify_gensyn_free(struct verify *v);

/* verify_train.c: one segment of a task's training on the solver (the actor runs on the
 * solver's host): the segment's FLOPs (work_fraction of them) as an exec, then the checkpoint
 * (2 x params bytes) as an asynchronous flow to storage, returned (the caller waits for it;
 * owned by the caller, sg_comm_wait then nothing to free). Returns the GPU-seconds spent. */
double verify_train_segment(struct verify *v, struct vtask *t, double work_fraction,
                            sg_comm_t *upload);
/* GPU-seconds and USD that flops at the task's precision cost on provider i (the solver's
 * calibrated rate, its node's GPUs, its class's cost per GPU-hour). */
double verify_gpu_seconds(const struct verify *v, size_t provider, double flops);
double verify_gpu_cost_usd(const struct verify *v, size_t provider, double gpu_s);

/* verify_settle.c: what a finished task pays and slashes (books, token layer, counters). */
enum vsettle { VSETTLE_PASSED, VSETTLE_FAULT, VSETTLE_LOST };
void verify_settle(struct verify *v, struct vtask *t, enum vsettle how, size_t challenger);
/* A challenger lost a dispute against an honest result: its deposit is slashed to the
 * solver. */
void verify_settle_false_challenge(struct verify *v, struct vtask *t, size_t challenger,
                                   double deposit);
/* A forced error was caught by provider: the jackpot. */
void verify_settle_jackpot(struct verify *v, struct vtask *t, size_t provider);

/* verify_bittensor.c */
void verify_bt_deploy(struct verify *v);
void verify_bt_report(struct verify *v);
void verify_bt_free(struct verify *v);

/* verify_report.c */
void verify_report(void *state, struct world *w);

#endif
