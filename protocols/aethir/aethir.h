/* aethir.h: the Aethir layer: a GPU cloud whose containers serve cloud-gaming sessions and AI
 * jobs, whose indexer places a player's session only on a container within a round-trip bound
 * of the player, and whose checker nodes test that containers have the capacity they claim.
 *
 * Model (facts and sources in docs/reference/aethir.md; numbers without a source are scenario
 * parameters marked [unsourced] in docs/models/aethir.md):
 *  - Containers are the providers of the classes named in `containers`; each has its class's
 *    GPUs (`gpus_per_node`) and serves `sessions_per_gpu` game sessions a GPU. The providers of
 *    a class whose behaviour is not honest over-claim: they announce gpus x `claim_factor`
 *    GPUs (rounded), and the indexer counts on the claim until a failed delivery shows less
 *    (below) or a checker catches them.
 *  - Players of each region start sessions as a Poisson stream (`sessions.rate`, a rate a
 *    region, times the token layer's demand scale in coupled runs); a session lasts an
 *    exponential time of mean `sessions.length`. The round trip from a player to a container is
 *    twice the route latency from the player's region gateway to the container's host
 *    (sg_host_get_route_latency). The indexer places a session on the container of least round
 *    trip (then most free slots) among those within `sessions.max_rtt` that are up, not evicted
 *    and have a free slot by what it believes (their claim); if none has, the session is
 *    refused. A session put on an over-claimer beyond its real slots cannot be delivered: the
 *    player asks again, and the indexer (service feedback) believes from then on that the
 *    container has no more slots than it had in use. A container that fails ends its sessions
 *    and jobs at the failure.
 *  - AI jobs arrive as a Poisson stream (`jobs.rate`) from anywhere: a job of `jobs.flops` takes
 *    a whole GPU (sessions_per_gpu slots) for the calibrated time of its FLOPs on one GPU
 *    (profile_compute_seconds at the scenario's efficiency), on the container with the most slots
 *    free by belief; none with a GPU free: refused.
 *  - Checker nodes (`checkers.count`; a referee actor on the control host) check every
 *    container that is up and listed each `checkers.interval`: 2N + 1 of them (N =
 *    `checkers.quorum`) each benchmark it and expose an over-claim with probability
 *    `checkers.detection`, and the referee takes the majority: a round exposes an over-claimer
 *    with q = P(Binomial(2N + 1, p) >= N + 1), so one is caught within k rounds with
 *    1 - (1 - q)^k. A caught container is evicted (token_record_fault, a fake GPU). Every
 *    check costs `checkers.cost_per_check` USD.
 *  - Service fees are settled every `settlement`: each container is paid its delivered
 *    session-hours at `sessions.price_per_hour` and its job GPU-hours at
 *    `jobs.price_per_gpu_hour` (token_record_payment, one payment a container and settlement).
 *    With a `ledger` section each settlement goes on chain as one transaction of
 *    `receipt_bytes` per container paid (ledger_submit).
 * Simplifications: sessions and jobs hold slots for a time, they move no bytes (a stream's
 * bandwidth and a job's input are not flows) and a job runs no SimGrid execution (its time is
 * the calibrated closed form); a container that fails twice within one session cuts it at the
 * last failure; checkers never flag an honest container; the indexer is one global scheduler
 * (Aethir draws indexers at random, which changes no placement here); Proof-of-Capacity
 * rewards in ATH are not paid (the token layer has no source for them). */
#ifndef DEPINSIM_PROTOCOLS_AETHIR_AETHIR_H
#define DEPINSIM_PROTOCOLS_AETHIR_AETHIR_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/device/profile.h"
#include "sim/scenario/layer.h"

extern const struct depin_layer aethir_layer;

/* The `aethir` section, in base units. */
struct aethir_conf {
  char **containers;        /* provider classes that serve (required) */
  size_t n_containers;
  size_t *container_class;  /* resolved by validate */
  double claim_factor;      /* GPUs an over-claimer announces per GPU it has */
  long sessions_per_gpu;
  double *session_rate;     /* sessions.rate per scenario region (resolved by validate) */
  char **rate_region;       /* the regions sessions.rate names, as written */
  double *rate_written;     /* their rates, as written */
  size_t n_rates;
  double session_length_s;  /* mean, exponential */
  double max_rtt_s;
  double price_per_session_hour;
  double job_rate_per_s;
  double job_flops;
  enum precision job_precision;
  double price_per_gpu_hour;
  long checkers;
  long quorum;              /* N: 2N + 1 checkers a capacity check */
  double check_interval_s;
  double detection;         /* one checker exposes an over-claim */
  double cost_per_check;    /* USD */
  double settlement_s;
  double receipt_bytes;     /* one container's settlement receipt on chain (with a ledger) */
};

/* Erlang's loss formula: the probability that a Poisson arrival finds all c servers busy under
 * offered load a (arrival rate x mean holding time), by the stable recursion
 * B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)). 1 when c < 1 and a > 0; 0 when a <= 0. */
double aethir_erlang_b(long c, double a);
/* Probability that a majority of 2n + 1 checkers, each exposing an over-claim with probability
 * p, exposes it: P(Binomial(2n + 1, p) >= n + 1). Cannot fail. */
double aethir_majority_detect(double p, long n);
/* Probability that an over-claimer is caught within k rounds that each expose it with
 * probability q: 1 - (1 - q)^k. Cannot fail. */
double aethir_caught_within(double q, double k);
/* Mean number of rounds an over-claimer is checked until caught, among those caught within
 * `rounds` rounds, each exposing it with probability q > 0: the geometric law truncated at
 * `rounds`, sum_{t=1..R} t q (1-q)^(t-1) / (1 - (1-q)^R). 0 when rounds < 1 or q <= 0. */
double aethir_mean_rounds_to_catch(double q, double rounds);
/* Round trip between a player's region gateway and a container, from the one-way route
 * latency: twice it. Cannot fail. */
static inline double aethir_rtt(double one_way_s)
{
  return 2 * one_way_s;
}

void *aethir_conf_parse(cfg_t *cfg, struct cfg_node section);
bool aethir_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg);
void aethir_conf_free(void *conf);
void aethir_estimate(const struct scenario *sc, const void *conf, struct run_cost *cost);

#endif
