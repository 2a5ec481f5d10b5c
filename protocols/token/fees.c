/* fees.c: splitting payments into provider revenue, fees, buy-back and treasury. */
#include "protocols/token/fees.h"

#include <stddef.h>

const char *fees_check(const struct fee_params *f)
{
  double provider = 1 - f->reservation - f->take_rate - f->payment_fee;
  if (f->take_rate < 0 || f->reservation < 0 || f->payment_fee < 0 || provider < 0)
    return "fees must be >= 0 and leave the provider a share >= 0";
  if (f->paid_in_token < 0 || f->paid_in_token > 1 || f->buyback_share < 0 ||
      f->buyback_share > 1)
    return "paid_in_token and buyback_share must be in [0, 1]";
  return NULL;
}

struct fee_split fees_split(const struct fee_params *f, double price_usd)
{
  struct fee_split s;
  double payment = f->payment_fee * (1 - f->paid_in_token);
  s.user_usd = price_usd * (1 + f->reservation);
  s.provider_usd = price_usd * (1 - f->reservation - f->take_rate - payment);
  s.protocol_usd = s.user_usd - s.provider_usd;
  s.buyback_usd = s.protocol_usd * f->buyback_share;
  s.treasury_usd = s.protocol_usd - s.buyback_usd;
  return s;
}

double fees_bme(double price_usd, double fee, double *fee_usd)
{
  *fee_usd = price_usd * fee;
  return price_usd - *fee_usd;
}
