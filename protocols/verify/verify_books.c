/* verify_books.c: the verification game's accounts (verify_books.h). */
#include "protocols/verify/verify_books.h"

#include <stdlib.h>
#include <xbt/asserts.h>

struct verify_books {
  size_t n;
  double submitters, escrow, treasury, burned;
  double *balance, *locked;
};

verify_books_t *verify_books_new(size_t n_providers)
{
  verify_books_t *b = calloc(1, sizeof *b);
  if (!b)
    goto fail;
  b->n = n_providers;
  b->balance = calloc(n_providers ? n_providers : 1, sizeof(double));
  b->locked = calloc(n_providers ? n_providers : 1, sizeof(double));
  if (!b->balance || !b->locked)
    goto fail;
  return b;
fail:
  verify_books_free(b);
  return NULL;
}

void verify_books_free(verify_books_t *b)
{
  if (!b)
    return;
  free(b->balance);
  free(b->locked);
  free(b);
}

static void check(const verify_books_t *b, size_t provider)
{
  xbt_assert(provider < b->n, "provider %zu out of %zu", provider, b->n);
}

void verify_books_fee(verify_books_t *b, double fee)
{
  b->submitters -= fee;
  b->escrow += fee;
}

void verify_books_pay(verify_books_t *b, size_t provider, double amount)
{
  check(b, provider);
  b->escrow -= amount;
  b->balance[provider] += amount;
}

void verify_books_to_treasury(verify_books_t *b, double amount)
{
  b->escrow -= amount;
  b->treasury += amount;
}

void verify_books_refund(verify_books_t *b, double amount)
{
  b->escrow -= amount;
  b->submitters += amount;
}

void verify_books_lock(verify_books_t *b, size_t provider, double amount)
{
  check(b, provider);
  b->balance[provider] -= amount;
  b->locked[provider] += amount;
}

void verify_books_unlock(verify_books_t *b, size_t provider, double amount)
{
  check(b, provider);
  b->locked[provider] -= amount;
  b->balance[provider] += amount;
}

struct slash_result verify_books_slash(verify_books_t *b, const struct slash_params *p,
                                       size_t provider, double locked, size_t beneficiary)
{
  check(b, provider);
  check(b, beneficiary);
  double deposit = locked;
  struct slash_result r = staking_slash(p, &deposit);
  b->locked[provider] -= locked;
  b->balance[provider] += deposit; /* what the slash left */
  b->burned += r.burned;
  b->balance[beneficiary] += r.whistleblower;
  b->treasury += r.treasury;
  return r;
}

void verify_books_jackpot(verify_books_t *b, size_t provider, double amount)
{
  check(b, provider);
  b->treasury -= amount;
  b->balance[provider] += amount;
}

double verify_books_balance(const verify_books_t *b, size_t provider)
{
  check(b, provider);
  return b->balance[provider];
}

double verify_books_locked(const verify_books_t *b, size_t provider)
{
  check(b, provider);
  return b->locked[provider];
}

double verify_books_treasury(const verify_books_t *b) { return b->treasury; }
double verify_books_burned(const verify_books_t *b) { return b->burned; }
double verify_books_escrow(const verify_books_t *b) { return b->escrow; }
double verify_books_paid_by_submitters(const verify_books_t *b) { return -b->submitters; }

double verify_books_total(const verify_books_t *b)
{
  double sum = b->submitters + b->escrow + b->treasury + b->burned;
  for (size_t i = 0; i < b->n; i++)
    sum += b->balance[i] + b->locked[i];
  return sum;
}
