/* token_layer.h: the token layer's event API, for other layers to call during a run.
 *
 * The token layer has no actors: while the engine runs, other layers record what the token
 * economy needs (users' payments for jobs, proven faults, protocol rewards paid in tokens and
 * the token fees that fund them), and when the run ends the layer replays them into the epoch
 * simulation (token_sim.h) over its horizon, each in the epoch its time falls in (an event at
 * the horizon itself, such as a layer's last flush when the run ends, in the last one). The
 * layer itself is `token_layer` (a const struct depin_layer, listed in sim/cli/registry.c).
 *
 * Rewards and fees: a protocol that pays operators in tokens out of a pool its users fill
 * (0G's PoDAS from the blob fee pool, PoRA from the storage endowment) records each payout with
 * token_record_reward and the fees with token_record_fee. The replay credits a reward to the
 * provider's operator as token income beside its emission rewards (valued at the simulated
 * price in its revenue, sold at sell_fraction) and moves the tokens out of the source's escrow;
 * fees move tokens from the free float into that escrow. The token simulation's fee revenue
 * and burn (fees.h) are cuts of USD payments for compute, and 0G takes no cut of these token
 * fees and burns none, so they are escrow, not revenue. Every event is stored until the run
 * ends (32 bytes each): callers aggregate, one reward per node per sample or mining period and
 * one fee per period, so a 1-hour run of thousands of nodes stays at tens of thousands. */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_TOKEN_LAYER_H
#define DEPINSIM_PROTOCOLS_TOKEN_TOKEN_LAYER_H

#include <stddef.h>

#include "protocols/token/token_sim.h"
#include "sim/scenario/layer.h"

struct world;
struct token_state;

extern const struct depin_layer token_layer;

enum token_fault {
  TOKEN_FAULT_PROVEN,   /* a proven fault (wrong result, failed challenge): slashed */
  TOKEN_FAULT_FAKE_GPU  /* a provider caught claiming hardware it lacks: slashed, removed */
};

/* The token layer's run state in world w, borrowed until the world is freed; NULL when the
 * scenario has no `token` section (then there is nothing to record). */
struct token_state *token_layer_state(struct world *w);

/* Records a user's payment of usd (> 0) at simulated time t for a job that provider
 * provider_index (an index into w->providers) ran. st may be NULL (ignored). Out of memory is
 * a programmer's error (asserts); bad values are ignored. */
void token_record_payment(struct token_state *st, double t, size_t provider_index, double usd);
/* The same for rented GPUs: usd paid for gpu_hours of provider_index's GPUs (a market lease's
 * settlement), so that a coupled run knows what the network served. */
void token_record_rental(struct token_state *st, double t, size_t provider_index, double usd,
                         double gpu_hours);
/* Records a fault of provider_index at time t. st may be NULL. */
void token_record_fault(struct token_state *st, double t, size_t provider_index,
                        enum token_fault kind);
/* Records that source's protocol paid provider provider_index `tokens` (> 0) at time t. st may
 * be NULL (ignored). Out of memory asserts; bad values (tokens <= 0 or not finite, t < 0, an
 * unknown source) are ignored, and so is a provider no class holds, at the replay. */
void token_record_reward(struct token_state *st, double t, size_t provider_index,
                         enum token_reward_source source, double tokens);
/* Records that users paid `tokens` (> 0) of fees into source's pool by time t. st may be NULL;
 * bad values are ignored as for rewards. */
void token_record_fee(struct token_state *st, double t, enum token_reward_source source,
                      double tokens);

/* Coupled runs (token.coupling): the demand the network's users bring, relative to the
 * workload as written: its growth over the token time so far times the share of requests
 * served well in the last window to the power of the elasticity. 1 when st is NULL or the
 * run is not coupled. Served workloads scale their request rate and the nodes they rent. */
double token_demand_scale(const struct token_state *st);
/* Token seconds one engine second stands for: epoch x every / window in a coupled run, else 1.
 * Economic durations measured in engine time (a tenant's escrow funding) divide by it. */
double token_time_scale(const struct token_state *st);
/* The latency past which a request counts as not served well (+inf: none). */
double token_latency_bound(const struct token_state *st);
/* Records that `offered` requests arrived and `served_well` of them were served within the
 * latency bound (st may be NULL: ignored). Served workloads call it as they place requests. */
void token_record_requests(struct token_state *st, double offered, double served_well);

#endif
