/* rng.c: seeding of the per-actor GSL streams described in rng.h. */
#include "sim/base/rng.h"

#include <xbt/asserts.h>

static uint64_t splitmix64(uint64_t x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/* FNV-1a: a stable hash of the stream's name. */
static uint64_t name_hash(const char *name)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++)
    h = (h ^ *p) * 0x100000001b3ULL;
  return h;
}

uint64_t rng_mix(uint64_t seed, const char *name, uint64_t id)
{
  return splitmix64(splitmix64(splitmix64(seed) ^ name_hash(name)) ^ id);
}

gsl_rng *rng_stream(uint64_t seed, const char *name, uint64_t id)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  xbt_assert(r, "out of memory allocating a random stream");
  uint64_t s = rng_mix(seed, name, id);
  /* taus2 needs a non-zero seed; GSL maps 0 to its default seed, which would alias. */
  gsl_rng_set(r, (unsigned long)(s ? s : 1));
  return r;
}
