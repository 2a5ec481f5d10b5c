/* operators.c: the operator table with per-group reward accumulators (see operators.h). */
#include "protocols/token/operators.h"

#include <stdlib.h>
#include <xbt/asserts.h>

operators_t *operators_new(const struct token_class *classes, size_t n_classes,
                           size_t capacity, size_t cost_bins, double cost_spread)
{
  if (cost_bins == 0)
    cost_bins = 1;
  operators_t *o = calloc(1, sizeof *o);
  if (!o)
    goto fail;
  o->classes = classes;
  o->n_classes = n_classes;
  o->cost_bins = cost_bins;
  o->capacity = capacity;
  o->n_groups = 2 * n_classes;
  o->n_cohorts = n_classes * (cost_bins + 1);
  o->groups = calloc(o->n_groups ? o->n_groups : 1, sizeof *o->groups);
  o->cohorts = calloc(o->n_cohorts ? o->n_cohorts : 1, sizeof *o->cohorts);
  size_t cap = capacity ? capacity : 1;
  o->cohort = malloc(cap * sizeof *o->cohort);
  o->flags = calloc(cap, sizeof *o->flags);
  o->next = malloc(cap * sizeof *o->next);
  o->gpus = malloc(cap * sizeof *o->gpus);
  o->stake = malloc(cap * sizeof *o->stake);
  o->tokens = calloc(cap, sizeof *o->tokens);
  o->usd = calloc(cap, sizeof *o->usd);
  o->mark_tokens = malloc(cap * sizeof *o->mark_tokens);
  o->mark_usd = malloc(cap * sizeof *o->mark_usd);
  o->joined_s = malloc(cap * sizeof *o->joined_s);
  o->left_s = malloc(cap * sizeof *o->left_s);
  if (!o->groups || !o->cohorts || !o->cohort || !o->flags || !o->next || !o->gpus ||
      !o->stake || !o->tokens || !o->usd || !o->mark_tokens || !o->mark_usd || !o->joined_s ||
      !o->left_s)
    goto fail;
  for (size_t c = 0; c < n_classes; c++) {
    o->groups[2 * c] = (struct operator_group){.cls = c, .sybil = false};
    o->groups[2 * c + 1] = (struct operator_group){.cls = c, .sybil = true};
    for (size_t b = 0; b < cost_bins; b++) {
      double u = cost_bins > 1 ? 2.0 * ((double)b + 0.5) / (double)cost_bins - 1.0 : 0.0;
      o->cohorts[operators_cohort_of(o, c, b, false)] = (struct operator_cohort){
        .group = 2 * c, .cost_per_gpu_hour = classes[c].cost_per_gpu_hour * (1 + cost_spread * u),
        .head = -1};
    }
    /* a sybil has no hardware to pay for: it never leaves for lack of revenue */
    o->cohorts[operators_cohort_of(o, c, 0, true)] =
      (struct operator_cohort){.group = 2 * c + 1, .cost_per_gpu_hour = 0, .head = -1};
  }
  return o;
fail:
  operators_free(o);
  return NULL;
}

void operators_free(operators_t *o)
{
  if (!o)
    return;
  free(o->groups);
  free(o->cohorts);
  free(o->cohort);
  free(o->flags);
  free(o->next);
  free(o->gpus);
  free(o->stake);
  free(o->tokens);
  free(o->usd);
  free(o->mark_tokens);
  free(o->mark_usd);
  free(o->joined_s);
  free(o->left_s);
  free(o);
}

static inline struct operator_group *group_of(operators_t *o, size_t i)
{
  return &o->groups[o->cohorts[o->cohort[i]].group];
}

long operators_add(operators_t *o, size_t c, double t_s, double stake, double required)
{
  xbt_assert(c < o->n_cohorts, "cohort %zu of %zu", c, o->n_cohorts);
  if (o->n >= o->capacity)
    return -1;
  size_t i = o->n++;
  struct operator_cohort *co = &o->cohorts[c];
  struct operator_group *g = &o->groups[co->group];
  o->cohort[i] = (uint32_t)c;
  o->flags[i] = OPERATOR_ALIVE | (g->sybil ? OPERATOR_SYBIL : 0);
  o->gpus[i] = o->classes[g->cls].gpus_per_node;
  o->stake[i] = stake;
  o->tokens[i] = 0;
  o->usd[i] = 0;
  o->mark_tokens[i] = g->acc_tokens_per_gpu;
  o->mark_usd[i] = g->acc_usd_per_gpu;
  o->joined_s[i] = t_s;
  o->left_s[i] = -1;
  o->next[i] = co->head;
  co->head = (int32_t)i;
  co->nodes++;
  if (stake >= required * (1 - 1e-12))
    operators_set_eligible(o, i, true);
  return (long)i;
}

void operators_settle(operators_t *o, size_t i)
{
  struct operator_group *g = group_of(o, i);
  if (o->flags[i] & OPERATOR_ELIGIBLE) {
    o->tokens[i] += o->gpus[i] * (g->acc_tokens_per_gpu - o->mark_tokens[i]);
    o->usd[i] += o->gpus[i] * (g->acc_usd_per_gpu - o->mark_usd[i]);
  }
  o->mark_tokens[i] = g->acc_tokens_per_gpu;
  o->mark_usd[i] = g->acc_usd_per_gpu;
}

void operators_set_eligible(operators_t *o, size_t i, bool eligible)
{
  bool now = (o->flags[i] & OPERATOR_ELIGIBLE) != 0;
  if (now == eligible || (eligible && !(o->flags[i] & OPERATOR_ALIVE)))
    return;
  operators_settle(o, i);
  struct operator_group *g = group_of(o, i);
  double sign = eligible ? 1 : -1;
  g->nodes += eligible ? 1 : -1;
  g->gpus += sign * o->gpus[i];
  if (g->nodes == 0)
    g->gpus = 0; /* no rounding residue on an empty group */
  o->flags[i] ^= OPERATOR_ELIGIBLE;
}

void operators_remove(operators_t *o, size_t i, double t_s)
{
  if (!(o->flags[i] & OPERATOR_ALIVE))
    return;
  operators_set_eligible(o, i, false);
  o->flags[i] &= (uint8_t)~OPERATOR_ALIVE;
  o->left_s[i] = t_s;
  o->cohorts[o->cohort[i]].nodes--;
}

bool operators_credit_group(operators_t *o, size_t g, double tokens, double usd)
{
  struct operator_group *gr = &o->groups[g];
  if (gr->gpus <= 0)
    return false;
  gr->acc_tokens_per_gpu += tokens / gr->gpus;
  gr->acc_usd_per_gpu += usd / gr->gpus;
  gr->epoch_tokens += tokens;
  gr->epoch_usd += usd;
  return true;
}

void operators_credit_usd(operators_t *o, size_t i, double usd)
{
  o->usd[i] += usd;
}

void operators_credit_tokens(operators_t *o, size_t i, double tokens)
{
  o->tokens[i] += tokens;
}

double operators_tokens(const operators_t *o, size_t i)
{
  const struct operator_group *g = &o->groups[o->cohorts[o->cohort[i]].group];
  double pending = (o->flags[i] & OPERATOR_ELIGIBLE)
                     ? o->gpus[i] * (g->acc_tokens_per_gpu - o->mark_tokens[i]) : 0;
  return o->tokens[i] + pending;
}
