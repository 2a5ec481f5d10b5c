/* training.h: data-parallel training jobs on clusters of leased nodes (model in market.h).
 * Private to protocols/market/. */
#ifndef DEPINSIM_PROTOCOLS_MARKET_TRAINING_H
#define DEPINSIM_PROTOCOLS_MARKET_TRAINING_H

#include "protocols/market/market_state.h"

enum phase { PHASE_STEP, PHASE_CHECKPOINT, PHASE_RESTORE };

struct job;

struct node {
  struct job *job;
  size_t slot;
  size_t ring_next;           /* the slot it sends to in the all-reduce ring */
  struct lease *lease;        /* NULL while its order waits */
  enum phase phase;
  bool ordered;               /* an order for it waits in the market */
  bool done, exited;          /* its worker finished the phase / returned at all */
  double compute_s, allreduce_s;
  sg_actor_t actor;           /* referenced while its phase runs */
  sg_mailbox_t mailbox;       /* ring and restore input, per attempt */
};

struct job {
  struct market *market;
  const struct training_spec *spec;
  size_t id;
  struct order_owner owner;
  struct order_needs needs;
  long n_nodes;
  struct node *nodes;
  double node_step_flops;     /* each node's share of a step */
  double step_flops;          /* 6 x params x tokens_per_step */
  double grad_bytes, checkpoint_bytes;
  long steps_total, steps_done, steps_checkpointed;
  double arrival_at, submitted_at, formed_at, finished_at, last_checkpoint_at;
  unsigned attempt;
  bool restore;               /* the nodes must reload the last checkpoint */
  bool broken;                /* a lease of the cluster closed under it */
  /* measured, in the window */
  double steps_in_window, step_s, compute_s, allreduce_s, compute_bound_s, allreduce_closed_s;
  double lost_flops, lost_s, committed_flops;
  unsigned restarts, head_failures, replacements, checkpoints;
};

#endif
