/* cfg_get.c: the typed getters of cfg.h (strings, booleans, integers, enums, quantities). */
#include "sim/base/cfg_private.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

/* A present scalar with some text, or a reported error naming what was expected. */
static bool need_scalar(cfg_t *cfg, struct cfg_node v, const char *expected)
{
  if (cfg_is_scalar(v) && !cfg_is_empty(v))
    return true;
  cfg_error(cfg, v, "expected %s, got %s", expected, cfg_type_name(v));
  return false;
}

bool cfg_get_string(cfg_t *cfg, struct cfg_node n, const char *key, char **out, bool required)
{
  struct cfg_node v;
  if (!cfg_get(cfg, n, key, &v, required))
    return false;
  if (!v.node)
    return true;
  if (!need_scalar(cfg, v, "a string"))
    return false;
  char *s = strdup(cfg_scalar(v));
  xbt_assert(s, "out of memory copying a string");
  free(*out);
  *out = s;
  return true;
}

bool cfg_name_ok(const char *name)
{
  size_t len = strlen(name);
  if (len == 0 || len > CFG_NAME_MAX || !isalnum((unsigned char)name[0]))
    return false;
  for (size_t i = 0; i < len; i++)
    if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
      return false;
  return true;
}

bool cfg_get_name(cfg_t *cfg, struct cfg_node n, const char *key, char **out, bool required)
{
  struct cfg_node v;
  if (!cfg_get(cfg, n, key, &v, required))
    return false;
  if (!v.node)
    return true;
  if (!need_scalar(cfg, v, "a name"))
    return false;
  const char *name = cfg_scalar(v);
  if (!cfg_name_ok(name)) {
    cfg_error(cfg, v, "'%s' is not a name (allowed: 1 to %d letters, digits, '.', '_' or '-', "
              "starting with a letter or digit)", name, CFG_NAME_MAX);
    return false;
  }
  char *s = strdup(name);
  xbt_assert(s, "out of memory copying a name");
  free(*out);
  *out = s;
  return true;
}

bool cfg_get_bool(cfg_t *cfg, struct cfg_node n, const char *key, bool *out, bool required)
{
  struct cfg_node v;
  if (!cfg_get(cfg, n, key, &v, required))
    return false;
  if (!v.node)
    return true;
  if (!need_scalar(cfg, v, "true or false"))
    return false;
  const char *s = cfg_scalar(v);
  if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
    *out = s[0] == 't';
    return true;
  }
  cfg_error(cfg, v, "expected true or false, got '%s' (allowed: true, false)", s);
  return false;
}

/* "(allowed: >= 1)", "(allowed: 0 to 10)", "" for no bound: into buf. */
static void long_range_text(long min, long max, char *buf, size_t n)
{
  if (min == LONG_MIN && max == LONG_MAX)
    snprintf(buf, n, "any integer");
  else if (max == LONG_MAX)
    snprintf(buf, n, ">= %ld", min);
  else if (min == LONG_MIN)
    snprintf(buf, n, "<= %ld", max);
  else
    snprintf(buf, n, "%ld to %ld", min, max);
}

static bool to_long(cfg_t *cfg, struct cfg_node v, long min, long max, long *out)
{
  if (!need_scalar(cfg, v, "an integer"))
    return false;
  const char *s = cfg_scalar(v);
  char *end = NULL;
  errno = 0;
  long x = strtol(s, &end, 10);
  char range[96];
  long_range_text(min, max, range, sizeof(range));
  if (end == s || *end != '\0') {
    cfg_error(cfg, v, "expected an integer, got '%s'", s);
    return false;
  }
  if (errno == ERANGE || x < min || x > max) {
    cfg_error(cfg, v, "'%s' is out of range (allowed: %s)", s, range);
    return false;
  }
  *out = x;
  return true;
}

bool cfg_get_int(cfg_t *cfg, struct cfg_node n, const char *key, long *out, long min, long max,
                 bool required)
{
  struct cfg_node v;
  if (!cfg_get(cfg, n, key, &v, required))
    return false;
  return !v.node || to_long(cfg, v, min, max, out);
}

bool cfg_get_enum(cfg_t *cfg, struct cfg_node n, const char *key, const char *const names[],
                  int *out, bool required)
{
  struct cfg_node v;
  if (!cfg_get(cfg, n, key, &v, required))
    return false;
  if (!v.node)
    return true;
  char *list = cfg_join(names);
  bool ok = cfg_is_scalar(v) && !cfg_is_empty(v);
  if (!ok)
    cfg_error(cfg, v, "expected one of %s, got %s", list, cfg_type_name(v));
  free(list);
  if (!ok)
    return false;
  const char *s = cfg_scalar(v);
  for (int i = 0; names[i]; i++)
    if (strcmp(names[i], s) == 0) {
      *out = i;
      return true;
    }
  cfg_report_unknown(cfg, v.node, v.path, "value", s, names);
  return false;
}

/* The bounds of a quantity in words ("> 0", ">= 1 s", "0 to 1"), into buf. */
static void quantity_range_text(enum unit_kind kind, double min, double max, char *buf,
                                size_t n)
{
  char lo[48], hi[48];
  units_format(min, kind, lo, sizeof(lo));
  units_format(max, kind, hi, sizeof(hi));
  bool has_max = max < DBL_MAX;
  if (min == CFG_POSITIVE)
    snprintf(buf, n, has_max ? "> 0 and <= %s" : "> 0", hi);
  else if (min <= -DBL_MAX)
    snprintf(buf, n, "<= %s", hi);
  else if (!has_max)
    snprintf(buf, n, ">= %s", lo);
  else
    snprintf(buf, n, "%s to %s", lo, hi);
}

static const char *kind_noun(enum unit_kind kind)
{
  static const char *const nouns[UNIT_KIND_COUNT] = {
    [UNIT_NUMBER] = "a number", [UNIT_TIME] = "a time such as 250ms",
    [UNIT_SIZE] = "a size such as 32MiB", [UNIT_BANDWIDTH] = "a bandwidth such as 10Gbps",
    [UNIT_RATE] = "a rate such as 100/s", [UNIT_COMPUTE] = "a compute rate such as 50TFLOP/s",
  };
  return (unsigned)kind < UNIT_KIND_COUNT ? nouns[kind] : "a quantity";
}

bool cfg_to_quantity(cfg_t *cfg, struct cfg_node n, enum unit_kind kind, double min,
                     double max, double *out)
{
  if (!need_scalar(cfg, n, kind_noun(kind)))
    return false;
  const char *s = cfg_scalar(n);
  double x;
  const char *why = NULL;
  if (units_parse(s, kind, &x, &why) != 0) {
    cfg_error(cfg, n, "'%s': %s (allowed: %s)", s, why, units_allowed(kind));
    return false;
  }
  if (x < min || x > max) {
    char range[128];
    quantity_range_text(kind, min, max, range, sizeof(range));
    cfg_error(cfg, n, "'%s' is out of range (allowed: %s)", s, range);
    return false;
  }
  *out = x;
  return true;
}

bool cfg_get_quantity(cfg_t *cfg, struct cfg_node n, const char *key, enum unit_kind kind,
                      double min, double max, double *out, bool required)
{
  struct cfg_node v;
  if (!cfg_get(cfg, n, key, &v, required))
    return false;
  return !v.node || cfg_to_quantity(cfg, v, kind, min, max, out);
}
