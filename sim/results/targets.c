/* targets.c: checking a run's summary metrics against the scenario's targets, and the
 * pass/fail table a user reads at the end of a run. */
#include "sim/results/targets.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

#include "sim/base/units.h"

bool targets_met(const struct target *t, double measured)
{
  if (isnan(measured))
    return false;
  switch (t->op) {
  case TARGET_GE: return measured >= t->value;
  case TARGET_LE: return measured <= t->value;
  case TARGET_GT: return measured > t->value;
  case TARGET_LT: return measured < t->value;
  case TARGET_EQ: return measured == t->value;
  }
  xbt_die("unknown target operator %d", (int)t->op);
}

const char *targets_op_name(enum target_op op)
{
  switch (op) {
  case TARGET_GE: return ">=";
  case TARGET_LE: return "<=";
  case TARGET_GT: return ">";
  case TARGET_LT: return "<";
  case TARGET_EQ: return "==";
  }
  return "?";
}

size_t targets_evaluate(const struct scenario *sc, const metrics_t *m,
                        struct target_outcome **out)
{
  *out = NULL;
  if (sc->n_targets == 0)
    return 0;
  struct target_outcome *o = calloc(sc->n_targets, sizeof(*o));
  xbt_assert(o, "out of memory evaluating %zu targets", sc->n_targets);
  for (size_t i = 0; i < sc->n_targets; i++) {
    const struct target *t = &sc->targets[i];
    o[i].target = t;
    o[i].measured = NAN;
    o[i].bound = NAN;
    o[i].measured_present = metrics_summary_get(m, t->metric, &o[i].measured);
    o[i].bound_present = metrics_bound_get(m, t->metric, &o[i].bound);
    const char *unit = metrics_summary_unit(m, t->metric);
    o[i].unit = unit ? unit : "";
    o[i].pass = o[i].measured_present && targets_met(t, o[i].measured);
  }
  *out = o;
  return sc->n_targets;
}

bool targets_all_pass(const struct target_outcome *o, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!o[i].pass)
      return false;
  return true;
}

char *targets_format_value(double value, const char *unit, char *buf, size_t n)
{
  if (!unit)
    unit = "";
  if (isnan(value)) {
    snprintf(buf, n, "no value");
    return buf;
  }
  char probe[64];
  snprintf(probe, sizeof(probe), "1%s", unit);
  int kind = units_kind_of(probe);
  if (kind >= 0 && strcmp(units_base_symbol((enum unit_kind)kind), unit) == 0)
    units_format(value, (enum unit_kind)kind, buf, n);
  else if (*unit)
    snprintf(buf, n, "%g %s", value, unit);
  else
    snprintf(buf, n, "%g", value);
  return buf;
}

#define COLS 5

void targets_print(const struct target_outcome *o, size_t n, FILE *out)
{
  static const char *const head[COLS] = {"metric", "target", "measured", "bound", "result"};
  char (*cell)[COLS][64] = calloc(n ? n : 1, sizeof(*cell));
  xbt_assert(cell, "out of memory printing %zu targets", n);
  int width[COLS];
  for (int c = 0; c < COLS; c++)
    width[c] = (int)strlen(head[c]);
  for (size_t i = 0; i < n; i++) {
    snprintf(cell[i][0], 64, "%s", o[i].target->metric);
    snprintf(cell[i][1], 64, "%s", o[i].target->text ? o[i].target->text : "");
    if (o[i].measured_present)
      targets_format_value(o[i].measured, o[i].unit, cell[i][2], 64);
    else
      snprintf(cell[i][2], 64, "not reported");
    if (o[i].bound_present)
      targets_format_value(o[i].bound, o[i].unit, cell[i][3], 64);
    else
      snprintf(cell[i][3], 64, "-");
    snprintf(cell[i][4], 64, "%s", o[i].pass ? "PASS" : "FAIL");
    for (int c = 0; c < COLS; c++)
      if ((int)strlen(cell[i][c]) > width[c])
        width[c] = (int)strlen(cell[i][c]);
  }
  fprintf(out, "%-*s  %-*s  %*s  %*s  %s\n", width[0], head[0], width[1], head[1], width[2],
          head[2], width[3], head[3], head[4]);
  for (size_t i = 0; i < n; i++)
    fprintf(out, "%-*s  %-*s  %*s  %*s  %s\n", width[0], cell[i][0], width[1], cell[i][1],
            width[2], cell[i][2], width[3], cell[i][3], cell[i][4]);
  size_t passed = 0;
  for (size_t i = 0; i < n; i++)
    passed += o[i].pass;
  fprintf(out, "%zu of %zu targets met\n", passed, n);
  free(cell);
}
