/* amm.h: the token's market: a constant-product pool (x y = k, as Uniswap v2) or a fixed price.
 *
 * The pool holds token and USD reserves; the price is usd / tokens. Selling x tokens returns
 * usd x (1 - fee) / (tokens + x (1 - fee)) and buying with u USD returns tokens u (1 - fee) /
 * (usd + u (1 - fee)): both are below the opposite reserve, so reserves and price stay
 * positive and finite under any finite trade (reserves are floored at DBL_MIN and the token
 * reserve capped at DBL_MAX, which only matters for absurd trades of 1e300). The fee stays in the pool. A fixed-price market
 * (for studies that want no price dynamics) trades at its price, buying at most the tokens it
 * holds. Plain value type, no allocation. */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_AMM_H
#define DEPINSIM_PROTOCOLS_TOKEN_AMM_H

#include <stdbool.h>

/* Uniswap v2 swap fee (Uniswap v2 whitepaper, 0.30%). */
#define AMM_UNISWAP_V2_FEE 0.003

struct amm {
  double tokens, usd;  /* reserves */
  double fee;          /* fraction of each input kept by the pool */
  bool fixed;          /* fixed price: usd is unused and price is fixed_price */
  double fixed_price;  /* USD per token */
  double volume_usd;   /* USD traded so far, both directions */
};

/* A pool of depth_usd total value (half in each reserve) at price USD/token. depth_usd and
 * price must be > 0 and finite (asserted). */
void amm_init_pool(struct amm *a, double depth_usd, double price, double fee);
/* A fixed-price market holding `tokens` for buyers. */
void amm_init_fixed(struct amm *a, double price, double tokens);

double amm_price(const struct amm *a);
/* Sells tokens (>= 0, finite) into the market; returns the USD paid out. */
double amm_sell(struct amm *a, double tokens);
/* Buys with usd (>= 0, finite); returns the tokens paid out. */
double amm_buy(struct amm *a, double usd);
/* USD that buys exactly `tokens` now (fee included), INFINITY when the market cannot supply
 * them (a pool never gives its whole reserve; a fixed market gives what it holds). */
double amm_quote_buy(const struct amm *a, double tokens);

#endif
