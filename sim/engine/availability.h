/* availability.h: when each provider host goes down and comes back (MTBF/MTTR).
 *
 * Up and down times are exponential with means MTBF and MTTR (a two-state Markov process),
 * and a host starts in its stationary state: down with probability MTTR / (MTBF + MTTR). Each
 * provider draws from its own GSL stream seeded from the scenario seed and its index, so the
 * schedule is the same for a seed whatever else the run does. Events come out in time order
 * from a binary heap holding one pending event per provider that can fail, so memory is
 * O(providers) and each event costs O(log providers). The world applies them between engine
 * slices (sg_host_turn_off / turn_on); actors on a host that goes down die with it. */
#ifndef DEPINSIM_SIM_ENGINE_AVAILABILITY_H
#define DEPINSIM_SIM_ENGINE_AVAILABILITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct scenario;
typedef struct availability availability_t;

/* The schedule of sc's providers (provider i is the i-th host in class order). NULL only
 * when out of memory. Free with availability_free. */
availability_t *availability_new(const struct scenario *sc, uint64_t seed);
void availability_free(availability_t *a);

/* Whether provider i is up at the start (time 0). */
bool availability_initially_up(const availability_t *a, size_t i);
/* Time of the next event, +infinity when none. */
double availability_next_time(const availability_t *a);
/* Pops the next event: its provider and whether the provider comes up (true) or goes down. */
void availability_pop(availability_t *a, size_t *provider, bool *up);

/* The long-run fraction of time a class is up: MTBF / (MTBF + MTTR), 1 without failures. */
double availability_stationary(double mtbf_s, double mttr_s);

#endif
