/* training.h: training jobs on clusters of leased nodes: data-parallel replicas, each split
 * over pipeline stages, kept in step by a ring all-reduce every step or by DiLoCo's outer
 * synchronisation every H steps (model in market.h, closed forms in diloco.h). Private to
 * protocols/market/. */
#ifndef DEPINSIM_PROTOCOLS_MARKET_TRAINING_H
#define DEPINSIM_PROTOCOLS_MARKET_TRAINING_H

#include "protocols/market/diloco.h"
#include "protocols/market/market_state.h"

/* PHASE_OUTER is DiLoCo's outer synchronisation: the cross-cluster ring of the node's
 * compressed pseudo-gradient shard, then the all-gather of its stage inside its cluster. */
enum phase { PHASE_STEP, PHASE_CHECKPOINT, PHASE_RESTORE, PHASE_OUTER };

/* The node's two kinds of worker: the phase the supervisor waits for, and the outer sync that
 * runs behind the next H steps when the job overlaps it. */
enum { TASK_FG, TASK_BG, TASK_KINDS };

#define TRAINING_NO_SLOT ((size_t)-1)

struct job;
struct node;

/* One worker actor of a node. */
struct task {
  struct node *node;
  enum phase phase;
  bool done, exited;          /* its worker finished the phase / returned at all */
  sg_actor_t actor;           /* referenced while it runs */
};

struct node {
  struct job *job;
  size_t slot;
  /* its place in the layout (training.c plan_layout) and its neighbours' slots */
  long cluster, replica, stage;
  size_t ring_next;           /* the step's gradient ring, over its cluster's replicas */
  size_t stage_next, stage_prev; /* pipeline neighbours, TRAINING_NO_SLOT at the ends */
  size_t outer_next;          /* the outer ring, same replica and stage in the next cluster */
  struct lease *lease;        /* NULL while its order waits */
  bool ordered;               /* an order for it waits in the market */
  struct task task[TASK_KINDS];
  double compute_s, activations_s, allreduce_s, sync_s;
  sg_mailbox_t mailbox;       /* ring and restore input, per attempt */
  sg_mailbox_t act_box;       /* activations and their gradients, per attempt */
  sg_mailbox_t outer_box, gather_box; /* the outer sync's two rings, per attempt */
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
  long stages, replicas, clusters, per_cluster; /* P, R = n / P, C, D = R / C */
  double activation_bytes;    /* per stage boundary and direction, a step */
  double outer_shard_bytes;   /* a node's compressed pseudo-gradient shard */
  unsigned layout_attempt;    /* the attempt the layout and closed forms are for (+1) */
  size_t *position;           /* slot at (cluster x D + replica in cluster) x P + stage */
  struct diloco_step step_cf, allreduce_cf; /* closed forms on the current cluster */
  struct diloco_sync sync_cf;
  long inner_in_round;        /* inner steps since the last outer sync */
  double round_started_at;    /* the current outer step's start (the last sync's), -1: next step */
  double round_comm_s;        /* activations + inner all-reduce so far in the round */
  bool sync_running;          /* a background outer sync is out */
  bool round_checkpointed;    /* a checkpoint ran at the start of the current round */
  double sync_started_at;
  long steps_total, steps_done, steps_checkpointed;
  double arrival_at, submitted_at, formed_at, finished_at, last_checkpoint_at;
  unsigned attempt;
  bool restore;               /* the nodes must reload the last checkpoint */
  bool broken;                /* a lease of the cluster closed under it */
  /* measured, in the window */
  double steps_in_window, step_s, compute_s, allreduce_s, compute_bound_s, allreduce_closed_s;
  double activations_s, activations_closed_s;
  double outer_in_window, outer_timed, outer_step_s, outer_step_closed_s, sync_s, sync_closed_s;
  double comm_per_outer_s, comm_per_outer_closed_s, allreduce_baseline_s;
  double tokens_in_window, busy_s;
  double lost_flops, lost_s, committed_flops;
  unsigned restarts, head_failures, replacements, checkpoints;
};

/* training_layout.c: places every node of a formed cluster (all nodes leased) in the layout,
 * sets its neighbours, and computes the closed forms of a step, of the outer sync and of a
 * ring all-reduce step on the same nodes (step_cf, sync_cf, allreduce_cf). Does nothing when
 * the layout is already that of the current attempt. Out of memory asserts. */
void training_plan(struct job *j);

#endif
