/* amm.c: constant-product pool and fixed-price market (see amm.h). */
#include "protocols/token/amm.h"

#include <float.h>
#include <math.h>
#include <string.h>
#include <xbt/asserts.h>

void amm_init_pool(struct amm *a, double depth_usd, double price, double fee)
{
  xbt_assert(depth_usd > 0 && isfinite(depth_usd) && price > 0 && isfinite(price),
             "a pool of depth %g USD at price %g", depth_usd, price);
  memset(a, 0, sizeof *a);
  a->usd = depth_usd / 2;
  a->tokens = depth_usd / 2 / price;
  a->fee = fee;
}

void amm_init_fixed(struct amm *a, double price, double tokens)
{
  xbt_assert(price > 0 && isfinite(price) && tokens >= 0, "a fixed price %g for %g tokens",
             price, tokens);
  memset(a, 0, sizeof *a);
  a->fixed = true;
  a->fixed_price = price;
  a->tokens = tokens;
}

double amm_price(const struct amm *a)
{
  return a->fixed ? a->fixed_price : a->usd / a->tokens;
}

double amm_sell(struct amm *a, double tokens)
{
  xbt_assert(tokens >= 0 && isfinite(tokens), "selling %g tokens", tokens);
  double out;
  if (a->fixed) {
    out = tokens * a->fixed_price;
  } else {
    double in = tokens * (1 - a->fee);
    /* the new reserve as a ratio, not a difference, so a huge sale cannot round it to 0 */
    double left = fmax(a->usd * (a->tokens / (a->tokens + in)), DBL_MIN);
    out = a->usd - left;
    a->usd = left;
  }
  a->tokens = fmin(a->tokens + tokens, DBL_MAX);
  a->volume_usd += out;
  return out;
}

double amm_buy(struct amm *a, double usd)
{
  xbt_assert(usd >= 0 && isfinite(usd), "buying for %g USD", usd);
  double out;
  if (a->fixed) {
    out = fmin(usd / a->fixed_price, a->tokens);
    a->tokens -= out;
    a->volume_usd += out * a->fixed_price;
  } else {
    double in = usd * (1 - a->fee);
    double left = fmax(a->tokens * (a->usd / (a->usd + in)), DBL_MIN);
    out = a->tokens - left;
    a->tokens = left;
    a->usd = fmin(a->usd + usd, DBL_MAX);
    a->volume_usd += usd;
  }
  return out;
}

double amm_quote_buy(const struct amm *a, double tokens)
{
  if (a->fixed)
    return tokens <= a->tokens ? tokens * a->fixed_price : INFINITY;
  if (tokens >= a->tokens)
    return INFINITY;
  return a->usd * tokens / (a->tokens - tokens) / (1 - a->fee);
}
