/* fees.h: what a user's payment for compute becomes: the provider's share, the protocol's
 * fees, and how much of those buy back and burn the token.
 *
 * A job priced p USD: the user pays p (1 + reservation); the provider receives p (1 -
 * reservation - take_rate - payment_fee x (1 - paid_in_token)); the protocol keeps the rest,
 * of which buyback_share buys tokens in the market and burns them and the remainder goes to
 * the treasury. Render's burn-and-mint charges its fee (5%) first and burns all the rest. */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_FEES_H
#define DEPINSIM_PROTOCOLS_TOKEN_FEES_H

/* io.net docs: 0.25% reservation fee on each side, 2% payment fee in USDC, 0% in IO. */
#define FEES_IONET_RESERVATION 0.0025
#define FEES_IONET_PAYMENT_USDC 0.02
/* Akash x/take (AEP-79): 20% of non-AKT payments, 2% of AKT payments. */
#define FEES_AKASH_TAKE_NON_AKT 0.20
#define FEES_AKASH_TAKE_AKT 0.02
/* Render RNP-001: 5% of each job's price goes to the foundation before the burn. */
#define FEES_RENDER_BME_FEE 0.05

struct fee_params {
  double take_rate;        /* Akash-style, of the price */
  double reservation;      /* io.net-style, charged to each side */
  double payment_fee;      /* on the part paid in stablecoins */
  double paid_in_token;    /* fraction of payments made in the token (no payment fee) */
  double buyback_share;    /* of the protocol's fees, spent on buy-back-and-burn */
};

struct fee_split {
  double user_usd;         /* what the user pays */
  double provider_usd;     /* what the provider receives */
  double protocol_usd;     /* the protocol's fees */
  double buyback_usd;      /* of protocol_usd, to buy back and burn */
  double treasury_usd;     /* of protocol_usd, to the treasury */
};

/* Returns NULL when the parameters are valid, or a static message on the first bad one. */
const char *fees_check(const struct fee_params *f);
/* Splits a job priced price_usd (>= 0). Cannot fail. */
struct fee_split fees_split(const struct fee_params *f, double price_usd);
/* Render BME: of a job's price, fee x price to the treasury, the rest burned (as USD of
 * tokens bought at the current price). Returns the USD to burn; *fee_usd gets the fee. */
double fees_bme(double price_usd, double fee, double *fee_usd);

#endif
