/* infernet.h: the infernet layer: Ritual Infernet's on-chain subscriptions served off chain by
 * Infernet nodes, and delivered back to the consumer by callback transactions.
 *
 * Model (mechanism from docs/reference/infernet.md; every number a scenario parameter):
 *  - Consumers create subscriptions at each class's rate (Poisson; `count` caps how many). A
 *    subscription is one transaction to the Coordinator (ledger_submit from the control host):
 *    frequency intervals (1: a one-off callback), `period` seconds apart, each answered by up
 *    to `redundancy` distinct nodes, paying `fee` per accepted delivery. One-off requests carry
 *    their input on chain; recurring ones are read by a view call (no chain bytes).
 *  - When the subscription commits (createdAt), it is active at createdAt + period (at
 *    createdAt when period is 0); interval k runs from activeAt + (k - 1) period for one period.
 *  - Each Infernet node of the `nodes` class that runs the subscription's container (`serving`
 *    of them, a window of consecutive nodes that rotates per subscription) replays the chain:
 *    its listener sees the subscription at its first poll (every watch_interval, with a phase
 *    of its own) once the commit is trail_blocks blocks deep; its processor (every
 *    process_interval) takes each interval once it has started. A node skips an interval
 *    whose redundancy is already met on chain or that has ended; otherwise its container runs
 *    it: FLOPs at the node's calibrated rate (world_exec_amount_for_flops) or a fixed container
 *    time, then an optional proof (a time on the node); containers taken up at once run at
 *    once, sharing the node's device, as infernet-node dispatches each interval as a task of
 *    its own. Then the node submits deliverCompute (ledger_submit: output and proof on chain).
 *  - The Coordinator takes deliveries in commit order: one of the current interval while fewer
 *    than redundancy were accepted is accepted (the consumer's callback runs, the node is
 *    paid fee x (1 - protocol_fee), recorded with token_record_payment); one after that, or
 *    for an interval that has passed, reverts (IntervalCompleted / IntervalMismatch) but still
 *    took block space. With a proof, a fraction invalid_proof_rate fails the verifier: the
 *    node's lock (the fee) is slashed (token_record_fault) and it is not paid.
 *  - Latency of an accepted delivery: callback commit minus the request's submission (a
 *    one-off) or its interval's start (a recurring subscription).
 * Simplifications: nodes race for every interval they serve (no off-chain coordination, as
 * in Infernet); gas prices and limits are not modelled (the ledger charges block space); the
 * verifier answers in the same block (eager verification) at no extra time; containers share a
 * device evenly (no memory limit); a node that fails loses the intervals it was computing and
 * resumes with the next ones; delegated (off-chain signed) subscriptions and the lazy Inbox
 * are not modelled. */
#ifndef DEPINSIM_PROTOCOLS_INFERNET_INFERNET_H
#define DEPINSIM_PROTOCOLS_INFERNET_INFERNET_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/device/profile.h"
#include "sim/scenario/layer.h"

extern const struct depin_layer infernet_layer;

/* How often the control host reads commits: commit times themselves are exact (the ledger's);
 * a subscription reaches a node at most this late after its listener's poll would have seen
 * it. */
#define INFERNET_CHAIN_POLL_S 0.01
/* Most intervals of one subscription: job ids pack (subscription, interval) in 64 bits. */
#define INFERNET_MAX_FREQUENCY 1000000L
/* ABI sizes of the Coordinator's calls (docs/reference/infernet.md): a 4 B selector and one
 * 32 B word per argument, a dynamic argument adding its length word and its data padded to
 * 32 B. _createComputeSubscription: 9 arguments, one dynamic (a container id of up to 32 B). */
#define INFERNET_SUBSCRIPTION_TX_BYTES (4.0 + 9 * 32 + 32 + 32)
/* deliverCompute: 6 arguments, three dynamic (input, output, proof); the input delivered is its
 * 32 B hash. */
#define INFERNET_DELIVERY_TX_BYTES (4.0 + 6 * 32 + 3 * 32 + 32)

/* One consumer class of the `subscriptions` list, in base units. */
struct infernet_sub_conf {
  char *name;
  double rate_per_s;    /* subscriptions created per second (Poisson) */
  double count;         /* most subscriptions created; INFINITY when unlimited */
  long frequency;       /* intervals; 1 is a one-off request */
  double period_s;      /* between intervals; 0 only for a one-off */
  long redundancy;      /* deliveries accepted per interval */
  long serving;         /* nodes running its container; 0: all of them (resolved by validate) */
  double flops;         /* container work per interval, or 0 when compute_s is given */
  enum precision precision;
  double compute_s;     /* fixed container time per interval, or 0 when flops are given */
  double input_bytes, output_bytes;
  double proof_s;       /* proving time on the node; 0: no proof */
  double proof_bytes;
  double fee_usd;       /* paid per accepted delivery */
};

/* The `infernet` section, in base units. */
struct infernet_conf {
  char *nodes;                 /* provider class of the Infernet nodes (required) */
  struct infernet_sub_conf *subs;
  size_t n_subs;
  double watch_interval_s;     /* the listener's poll of the chain head, default 0.5 s */
  double process_interval_s;   /* the processor's loop, default 0.1 s */
  long trail_blocks;           /* blocks a node trails the head by, default 0 */
  double protocol_fee;         /* fraction of each payment the Coordinator keeps */
  double invalid_proof_rate;   /* fraction of proofs the verifier rejects */
  size_t node_class;           /* resolved by validate */
  double block_time_s;         /* the ledger's, copied by validate */
};

/* The start of interval k (1-based) of a subscription committed at created_at. Cannot fail. */
double infernet_interval_start(double created_at, double period_s, long k);
/* The interval current at time t (>= activeAt) of a subscription committed at created_at: 1
 * for period 0, else floor((t - activeAt) / period) + 1, as the Coordinator computes it. */
long infernet_current_interval(double created_at, double period_s, double t);
/* The first poll at or after t of a loop running every `every` seconds from `phase`. */
double infernet_next_poll(double phase, double every, double t);
/* Bytes of the request transaction and of one delivery of consumer class s. */
double infernet_request_bytes(const struct infernet_sub_conf *s);
double infernet_delivery_bytes(const struct infernet_sub_conf *s);
/* Expected interval starts of class s inside [from, to] for a run of `duration` seconds,
 * subscriptions created uniformly at rate_per_s from time 0 (inclusion delays ignored). */
double infernet_expected_intervals(const struct infernet_sub_conf *s, double from, double to,
                                   double duration);

void *infernet_conf_parse(cfg_t *cfg, struct cfg_node section);
bool infernet_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg);
void infernet_conf_free(void *conf);
/* What its part of a run costs the engine, for `validate` (after infernet_conf_validate). */
void infernet_estimate(const struct scenario *sc, const void *conf, struct run_cost *cost);

#endif
