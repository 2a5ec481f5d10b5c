/* verify_books.h: where the verification game's money is: submitters, escrow, providers'
 * balances and locked deposits, the treasury and what was burned.
 *
 * Every operation moves an amount between accounts, so the sum over all accounts stays 0
 * (submitters go negative by what they paid; the books start empty): verify_books_total is
 * the conservation check. Compute costs (electricity, hardware) leave the system and are not
 * kept here. Amounts are USD; the layer also reports payments and proven faults to the token
 * layer (token_layer.h), which prices and slashes stake in tokens on its own terms. Slashing
 * splits through the token layer's staking_slash (burn, whistleblower, treasury shares). */
#ifndef DEPINSIM_PROTOCOLS_VERIFY_VERIFY_BOOKS_H
#define DEPINSIM_PROTOCOLS_VERIFY_VERIFY_BOOKS_H

#include <stddef.h>

#include "protocols/token/staking.h"

typedef struct verify_books verify_books_t;

/* Books for n providers, all zero. NULL when out of memory. Free with verify_books_free
 * (NULL: no-op). */
verify_books_t *verify_books_new(size_t n_providers);
void verify_books_free(verify_books_t *b);

/* A submitter pays fee into escrow. */
void verify_books_fee(verify_books_t *b, double fee);
/* Escrow pays amount to a provider, to the treasury, or back to the submitters. */
void verify_books_pay(verify_books_t *b, size_t provider, double amount);
void verify_books_to_treasury(verify_books_t *b, double amount);
void verify_books_refund(verify_books_t *b, double amount);
/* A provider locks amount of its balance as a deposit, or gets it back. */
void verify_books_lock(verify_books_t *b, size_t provider, double amount);
void verify_books_unlock(verify_books_t *b, size_t provider, double amount);
/* Slashes p->fraction of the deposit `locked` that provider holds for one task: the burned
 * part is burned, the whistleblower's part goes to beneficiary's balance, the treasury's to the
 * treasury, and what is left of the deposit is unlocked. Returns the split. */
struct slash_result verify_books_slash(verify_books_t *b, const struct slash_params *p,
                                       size_t provider, double locked, size_t beneficiary);
/* The treasury pays a forced-error jackpot to a provider (the treasury may go negative:
 * it is the protocol's subsidy). */
void verify_books_jackpot(verify_books_t *b, size_t provider, double amount);

double verify_books_balance(const verify_books_t *b, size_t provider);
double verify_books_locked(const verify_books_t *b, size_t provider);
double verify_books_treasury(const verify_books_t *b);
double verify_books_burned(const verify_books_t *b);
double verify_books_escrow(const verify_books_t *b);
double verify_books_paid_by_submitters(const verify_books_t *b);
/* Sum over every account: 0 up to rounding when nothing was created or lost. */
double verify_books_total(const verify_books_t *b);

#endif
