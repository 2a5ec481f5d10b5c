/* token_books.c: moves between books and the conservation check. */
#include "protocols/token/token_books.h"

#include <math.h>
#include <stddef.h>
#include <xbt/asserts.h>

const char *const token_book_names[] = {"market", "operators", "vesting", "staked", "cooldown",
                                        "pool", "allocations", "treasury", "protocol", "burned",
                                        NULL};

void token_books_move(struct token_books *b, enum token_book from, enum token_book to,
                      double x)
{
  xbt_assert(x >= 0 && isfinite(x), "a book move of %g tokens", x);
  double have = b->balance[from];
  xbt_assert(x <= have + 1e-9 * fmax(1.0, fabs(b->minted)),
             "a move of %g tokens out of %s, which holds %g", x, token_book_names[from], have);
  if (x > have)
    x = have;
  b->balance[from] -= x;
  b->balance[to] += x;
}

double token_books_circulating(const struct token_books *b)
{
  return token_books_supply(b) - b->balance[BOOK_ALLOCATIONS] - b->balance[BOOK_VESTING] -
         b->balance[BOOK_TREASURY] - b->balance[BOOK_PROTOCOL];
}

bool token_books_conserved(const struct token_books *b, double rel_tol)
{
  double sum = 0;
  for (int k = 0; k < BOOK_COUNT; k++) {
    if (b->balance[k] < -rel_tol * fmax(1.0, b->minted))
      return false;
    sum += b->balance[k];
  }
  return fabs(sum - b->minted) <= rel_tol * fmax(1.0, b->minted);
}
