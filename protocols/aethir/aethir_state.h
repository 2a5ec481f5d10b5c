/* aethir_state.h: the Aethir layer's run state, shared by its deployment and indexer
 * (aethir.c), its checkers and settlements (aethir_checker.c) and its report
 * (aethir_report.c). Private to protocols/aethir/. */
#ifndef DEPINSIM_PROTOCOLS_AETHIR_AETHIR_STATE_H
#define DEPINSIM_PROTOCOLS_AETHIR_AETHIR_STATE_H

#include <gsl/gsl_rng.h>
#include <simgrid/forward.h>
#include <stdbool.h>

#include "protocols/aethir/aethir.h"
#include "protocols/ledger/ledger.h"
#include "sim/engine/actors.h"
#include "sim/engine/world.h"
#include "sim/results/hist.h"

struct aethir;

/* A session or job holding `width` slots of a container from start to end (unless the
 * container fails first). settled_to: up to when its time has been paid. */
struct aethir_hold {
  double start, end, settled_to;
  unsigned width;
  bool job;
  bool live;              /* false: the record is free */
};

struct aethir_container {
  size_t provider;
  unsigned real_slots, claimed_slots;
  unsigned believed_slots; /* what the indexer counts on: the claim, until a placement on a
                              phantom slot shows fewer (service feedback) */
  double job_seconds;      /* one AI job on one of its GPUs */
  unsigned real_gpus, claimed_gpus;
  bool dishonest;
  bool evicted;
  unsigned long tried_for; /* the last request the indexer tried it for */
  struct aethir_hold *holds; /* claimed_slots records */
  double unpaid_session_s, unpaid_job_gpu_s;
  double sessions, jobs, undelivered, interrupted;
  double earned_usd;
  double caught_at;       /* -1 while not caught */
  unsigned rounds_checked;
};

/* A players' region: its gateway and the containers within the round-trip bound of it,
 * nearest first. */
struct aethir_region {
  struct aethir *a;
  size_t index;
  sg_host_t gateway;
  double rate_per_s;      /* before the token layer's demand scale */
  size_t *in_range;       /* container indices, by increasing round trip */
  double *rtt;            /* their round trips */
  size_t n_in_range;
  gsl_rng *rng;
};

/* A settlement put on chain, and when. */
struct aethir_ticket {
  struct ledger_ticket ticket;
  double submitted;
};

struct aethir {
  struct world *world;
  const struct aethir_conf *conf;
  struct aethir_container *containers;
  size_t n_containers;
  struct aethir_region *regions;
  size_t n_regions;
  gsl_rng *rng_jobs, *rng_check;
  size_t job_cursor;      /* where the last job's search started */
  unsigned long requests; /* sessions and jobs asked for so far: each one's number */
  /* counted in the window after warm-up */
  double sessions_offered, sessions_served, sessions_refused, sessions_out_of_range;
  double sessions_undelivered, jobs_offered, jobs_served, jobs_refused, jobs_undelivered;
  double held_slot_s;     /* slot-seconds held in the window */
  double checks, check_rounds, paid_usd;
  double last_settlement;
  void *ledger;           /* the ledger layer's state, NULL without one */
  struct aethir_ticket *tickets;
  size_t n_tickets, cap_tickets;
  hist_t *rtt;            /* served sessions' round trips; owned by metrics */
};

void aethir_players_actor(int argc, char **argv);
void aethir_jobs_actor(int argc, char **argv);
void aethir_checker_actor(int argc, char **argv);
void aethir_settlement_actor(int argc, char **argv);

/* Slots of container k in use at time t (holds not ended and not cut by a failure). */
unsigned aethir_slots_used(const struct aethir *a, size_t k, double t);
/* When hold h of container k stops holding: its end, or the container's failure after its
 * start. */
double aethir_hold_end(const struct aethir *a, size_t k, const struct aethir_hold *h);
/* Credits hold h of container k its held time up to `upto`: its unpaid time, and its
 * slot-seconds inside the window; frees the record when the hold ended by then. */
void aethir_credit(struct aethir *a, size_t k, struct aethir_hold *h, double upto);
/* Pays every container what it delivered up to now (token_record_payment) and, when submit
 * and the scenario has a ledger, puts the receipts on chain as one transaction; from the
 * settlement actor, and from the report for the run's last partial period (submit false: it
 * would not reach the chain). */
void aethir_settle(struct aethir *a, double now, bool submit);
void aethir_report(void *state, struct world *w);

#endif
