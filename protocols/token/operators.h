/* operators.h: the table of GPU operators (struct of arrays, one slot per operator ever), with
 * reward accounting that costs O(1) per operator event instead of per operator per epoch.
 *
 * Operators of one provider class who are equally honest earn the same per GPU: rewards go
 * pro rata to GPUs, payments to real GPUs. So each group (class x honest/sybil) keeps
 * cumulative tokens and USD per GPU (acc_*), as staking contracts keep reward per share, and
 * an operator's earnings are gpus x (acc now - acc when it joined or was last settled), plus
 * what was credited to it alone (payments and faults other layers record). Exits use cohorts:
 * each class's honest operators are spread over cost bins around the class cost (costs differ
 * between operators; spread is a parameter), and a cohort leaves together when its group's
 * trailing revenue stays below its cost for the patience window. Sybils claim GPUs they do not
 * have, earn rewards but no payments, and never leave on their own: a check catches them. */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_OPERATORS_H
#define DEPINSIM_PROTOCOLS_TOKEN_OPERATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A provider class as the token model needs it (from the scenario's `providers`). */
struct token_class {
  const char *name;          /* borrowed */
  long count;                /* nodes at launch */
  int gpus_per_node;
  double cost_per_gpu_hour;  /* USD */
  double stake_per_node;     /* tokens each node stakes */
  double sybil_fraction;     /* of its nodes that claim GPUs they do not have */
  double availability;       /* fraction of time up: mtbf / (mtbf + mttr), 1 when always up */
  double multiplier;         /* io.net-style stake multiplier per GPU (1 = none) */
  long max_nodes;            /* the most nodes alive at once (hosts provisioned); 0: no limit;
                                negative: none (a class of users' hosts, not operators) */
};

struct operator_group {
  size_t cls;
  bool sybil;
  long nodes;                /* alive and eligible */
  double gpus;               /* claimed GPUs of those nodes */
  double acc_tokens_per_gpu; /* cumulative rewards per claimed GPU */
  double acc_usd_per_gpu;    /* cumulative payments per GPU (USD, after fees) */
  double revenue_ema;        /* trailing revenue, USD per GPU-hour */
  double epoch_tokens, epoch_usd; /* this epoch's, for metrics */
};

struct operator_cohort {
  size_t group;
  double cost_per_gpu_hour;
  long nodes;
  double below_s;            /* how long the group's revenue has been below this cost */
  int32_t head;              /* first member (list through operators.next), -1 when none */
};

enum { OPERATOR_ALIVE = 1, OPERATOR_ELIGIBLE = 2, OPERATOR_SYBIL = 4 };

typedef struct operators {
  const struct token_class *classes; /* borrowed */
  size_t n_classes;
  struct operator_group *groups;     /* 2 per class: honest, sybil */
  struct operator_cohort *cohorts;   /* cost_bins honest cohorts per class, then 1 sybil each */
  size_t n_groups, n_cohorts, cost_bins;
  size_t n, capacity;                /* slots used / allocated */
  /* per operator */
  uint32_t *cohort;
  uint8_t *flags;
  int32_t *next;                     /* next member of its cohort */
  double *gpus, *stake;
  double *tokens, *usd;              /* settled earnings */
  double *mark_tokens, *mark_usd;    /* group accumulators when last settled */
  double *joined_s, *left_s;         /* left_s < 0 while alive */
} operators_t;

/* A table for up to capacity operators of these classes (borrowed, must outlive it), with
 * cost_bins >= 1 cost levels per class spread uniformly over cost x [1 - spread, 1 + spread].
 * Returns NULL when out of memory. Free with operators_free. */
operators_t *operators_new(const struct token_class *classes, size_t n_classes,
                           size_t capacity, size_t cost_bins, double cost_spread);
void operators_free(operators_t *o);

static inline size_t operators_group_of(const operators_t *o, size_t cls, bool sybil)
{
  (void)o;
  return 2 * cls + (sybil ? 1 : 0);
}
/* Honest cohort of class cls at cost bin b, or the class's sybil cohort. */
static inline size_t operators_cohort_of(const operators_t *o, size_t cls, size_t bin,
                                         bool sybil)
{
  return sybil ? o->n_classes * o->cost_bins + cls : cls * o->cost_bins + bin;
}

/* Adds an operator to cohort c at time t with its stake (eligible when stake >= required).
 * Returns its index, or -1 when the table is full (nothing changed). */
long operators_add(operators_t *o, size_t c, double t_s, double stake, double required);
/* Brings operator i's earnings up to its group's accumulators. */
void operators_settle(operators_t *o, size_t i);
/* Settles and removes operator i at time t (no-op when already gone). Its stake is left in
 * o->stake[i] for the caller to unstake. */
void operators_remove(operators_t *o, size_t i, double t_s);
/* Sets whether operator i earns (settling first and updating its group). */
void operators_set_eligible(operators_t *o, size_t i, bool eligible);
/* Credits a group with tokens and USD for this epoch, spread per claimed GPU; returns false
 * (crediting nothing) when the group has no GPUs. */
bool operators_credit_group(operators_t *o, size_t g, double tokens, double usd);
/* Credits USD to operator i alone (a payment recorded by another layer). */
void operators_credit_usd(operators_t *o, size_t i, double usd);
/* Credits tokens to operator i alone (a protocol reward recorded by another layer). */
void operators_credit_tokens(operators_t *o, size_t i, double tokens);
/* Tokens operator i has earned in total, settled or not. */
double operators_tokens(const operators_t *o, size_t i);

#endif
