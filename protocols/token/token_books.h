/* token_books.h: where every token is, as balances of a few books, so that conservation
 * (minted = held + burned + treasury) can be checked at every epoch.
 *
 * Tokens enter only by token_books_mint and leave circulation only into BOOK_BURNED; every
 * other change is a move between books. Operators are aggregated here (their per-operator
 * rewards are tracked by the operator table for inequality metrics). */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_TOKEN_BOOKS_H
#define DEPINSIM_PROTOCOLS_TOKEN_TOKEN_BOOKS_H

#include <stdbool.h>

enum token_book {
  BOOK_MARKET,       /* free float: users, buyers, validators, unlocked investors */
  BOOK_OPERATORS,    /* operators' liquid rewards not yet sold */
  BOOK_VESTING,      /* operators' rewards still vesting (Filecoin 75%) */
  BOOK_STAKED,       /* operators' stake */
  BOOK_COOLDOWN,     /* unstaked, waiting out the cooldown */
  BOOK_POOL,         /* the market's token reserve */
  BOOK_ALLOCATIONS,  /* genesis allocations not yet unlocked */
  BOOK_TREASURY,     /* the foundation's tokens */
  BOOK_PROTOCOL,     /* users' token fees held by protocol contracts until paid out as rewards
                        (0G's DA fee pool, storage endowments) */
  BOOK_BURNED,
  BOOK_COUNT
};
extern const char *const token_book_names[]; /* "market", "operators", ... */

struct token_books {
  double balance[BOOK_COUNT];
  double minted;
};

static inline void token_books_mint(struct token_books *b, enum token_book to, double x)
{
  b->minted += x;
  b->balance[to] += x;
}
/* Moves x tokens (>= 0, at most from's balance up to rounding: asserted). A move of
 * slightly more than the balance because of rounding moves the balance. */
void token_books_move(struct token_books *b, enum token_book from, enum token_book to,
                      double x);
static inline void token_books_burn(struct token_books *b, enum token_book from, double x)
{
  token_books_move(b, from, BOOK_BURNED, x);
}
/* Tokens that exist and are not burned: minted - burned. */
static inline double token_books_supply(const struct token_books *b)
{
  return b->minted - b->balance[BOOK_BURNED];
}
/* Circulating: supply less locked allocations, vesting rewards, the treasury and the
 * protocols' escrow. */
double token_books_circulating(const struct token_books *b);
/* Whether minted equals the sum of all books within rel_tol x minted. */
bool token_books_conserved(const struct token_books *b, double rel_tol);

#endif
