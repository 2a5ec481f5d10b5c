/* rng.h: independent, reproducible GSL random streams.
 *
 * Every actor or purpose draws from its own stream, seeded from the scenario seed, the
 * stream's name and an id through SplitMix64, so draws do not depend on the order in which
 * streams are created or used. The generator is L'Ecuyer's taus2: small state (a provider
 * each is affordable at 500,000 providers), fast, and well tested in GSL. */
#ifndef DEPINSIM_SIM_BASE_RNG_H
#define DEPINSIM_SIM_BASE_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* A new stream; owned by the caller (gsl_rng_free). Out of memory asserts. */
gsl_rng *rng_stream(uint64_t seed, const char *name, uint64_t id);

/* The 64-bit seed rng_stream uses (exposed for tests and for seeding sweeps' points). */
uint64_t rng_mix(uint64_t seed, const char *name, uint64_t id);

#endif
