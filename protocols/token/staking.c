/* staking.c: slashing flows and the unstake cooldown queue. */
#include "protocols/token/staking.h"

#include <math.h>
#include <stdlib.h>

const char *staking_slash_check(const struct slash_params *p)
{
  if (p->fraction < 0 || p->fraction > 1)
    return "slash fraction must be in [0, 1]";
  if (p->to_burn < 0 || p->to_whistleblower < 0 || p->to_treasury < 0 ||
      fabs(p->to_burn + p->to_whistleblower + p->to_treasury - 1) > 1e-9)
    return "slash shares (burn, whistleblower, treasury) must be >= 0 and sum to 1";
  return NULL;
}

struct slash_result staking_slash(const struct slash_params *p, double *stake)
{
  struct slash_result r;
  r.slashed = *stake * p->fraction;
  *stake -= r.slashed;
  r.whistleblower = r.slashed * p->to_whistleblower;
  r.treasury = r.slashed * p->to_treasury;
  r.burned = r.slashed - r.whistleblower - r.treasury;
  return r;
}

struct staking_cooldown {
  size_t n, pos;
  double pending;
  double ring[];
};

staking_cooldown_t *staking_cooldown_new(size_t n_epochs)
{
  staking_cooldown_t *c = calloc(1, sizeof *c + (n_epochs + 1) * sizeof(double));
  if (!c)
    return NULL;
  c->n = n_epochs;
  return c;
}

void staking_cooldown_free(staking_cooldown_t *c)
{
  free(c);
}

double staking_cooldown_step(staking_cooldown_t *c, double tokens)
{
  size_t len = c->n + 1;
  c->ring[(c->pos + c->n) % len] += tokens;
  double out = c->ring[c->pos];
  c->ring[c->pos] = 0;
  c->pos = (c->pos + 1) % len;
  c->pending += tokens - out;
  if (c->pending < 0)
    c->pending = 0;
  return out;
}

double staking_cooldown_pending(const staking_cooldown_t *c)
{
  return c->pending;
}
