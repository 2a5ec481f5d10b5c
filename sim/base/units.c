/* units.c: parsing and formatting the quantities with units described in units.h.
 *
 * A quantity is a number (strtod syntax, finite) followed by optional spaces and a suffix
 * looked up in one table per kind; the table gives the factor to the kind's base unit. */
#include "sim/base/units.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit {
  const char *suffix;
  double factor; /* base units per one of this unit */
};

static const struct unit time_units[] = {
  {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}, {"min", 60.0}, {"h", 3600.0}, {"d", 86400.0},
  {NULL, 0},
};

#define KI 1024.0
static const struct unit size_units[] = {
  {"B", 1.0},         {"KB", 1e3},             {"MB", 1e6},
  {"GB", 1e9},        {"TB", 1e12},            {"KiB", KI},
  {"MiB", KI * KI},   {"GiB", KI * KI * KI},   {"TiB", KI * KI * KI * KI},
  {NULL, 0},
};

/* Bits per second are decimal and divided by 8; SimGrid spells bytes per second "Bps". */
static const struct unit bandwidth_units[] = {
  {"bps", 1.0 / 8},      {"Kbps", 1e3 / 8},         {"Mbps", 1e6 / 8},
  {"Gbps", 1e9 / 8},     {"Tbps", 1e12 / 8},        {"B/s", 1.0},
  {"KB/s", 1e3},         {"MB/s", 1e6},             {"GB/s", 1e9},
  {"TB/s", 1e12},        {"KiB/s", KI},             {"MiB/s", KI * KI},
  {"GiB/s", KI * KI * KI}, {"TiB/s", KI * KI * KI * KI}, {"Bps", 1.0},
  {"KBps", 1e3},         {"MBps", 1e6},             {"GBps", 1e9},
  {"TBps", 1e12},        {"KiBps", KI},             {"MiBps", KI * KI},
  {"GiBps", KI * KI * KI}, {"TiBps", KI * KI * KI * KI},
  {NULL, 0},
};

static const struct unit rate_units[] = {
  {"/s", 1.0}, {"/min", 1.0 / 60}, {"/h", 1.0 / 3600}, {"/d", 1.0 / 86400},
  {NULL, 0},
};

static const struct unit compute_units[] = {
  {"FLOP/s", 1.0}, {"GFLOP/s", 1e9}, {"TFLOP/s", 1e12}, {"PFLOP/s", 1e15},
  {NULL, 0},
};

static const struct unit *const unit_tables[UNIT_KIND_COUNT] = {
  [UNIT_NUMBER] = NULL,
  [UNIT_TIME] = time_units,
  [UNIT_SIZE] = size_units,
  [UNIT_BANDWIDTH] = bandwidth_units,
  [UNIT_RATE] = rate_units,
  [UNIT_COMPUTE] = compute_units,
};

static const char *const kind_needs_unit[UNIT_KIND_COUNT] = {
  [UNIT_NUMBER] = NULL,
  [UNIT_TIME] = "a time needs a unit",
  [UNIT_SIZE] = "a size needs a unit",
  [UNIT_BANDWIDTH] = "a bandwidth needs a unit",
  [UNIT_RATE] = "a rate needs a unit",
  [UNIT_COMPUTE] = "a compute rate needs a unit",
};

static const struct unit *find_unit(const struct unit *table, const char *suffix)
{
  for (; table && table->suffix; table++)
    if (strcmp(table->suffix, suffix) == 0)
      return table;
  return NULL;
}

/* Reads a finite number at the start of s; *end after it. Returns -1 with *why on failure. */
static int read_number(const char *s, double *value, const char **end, const char **why)
{
  char *e = NULL;
  while (isspace((unsigned char)*s))
    s++;
  if (*s == '\0') {
    *why = "empty value";
    return -1;
  }
  /* strtod would accept "nan", "inf" and hex; a scenario wants plain decimal numbers. */
  if (!isdigit((unsigned char)*s) && *s != '-' && *s != '+' && *s != '.') {
    *why = "not a number";
    return -1;
  }
  const char *digits = s + (*s == '-' || *s == '+');
  if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    *why = "not a number";
    return -1;
  }
  double v = strtod(s, &e);
  if (e == s) {
    *why = "not a number";
    return -1;
  }
  if (!isfinite(v)) {
    *why = "not a finite number";
    return -1;
  }
  *value = v;
  *end = e;
  return 0;
}

/* The suffix after the number: spaces skipped at both ends, copied to buf. */
static void read_suffix(const char *s, char *buf, size_t n)
{
  while (isspace((unsigned char)*s))
    s++;
  size_t len = strlen(s);
  while (len > 0 && isspace((unsigned char)s[len - 1]))
    len--;
  if (len >= n)
    len = n - 1;
  memcpy(buf, s, len);
  buf[len] = '\0';
}

/* "2/3" and "5%": a UNIT_NUMBER's suffix after its first number. */
static int number_suffix(double v, const char *suffix, double *out, const char **why)
{
  if (suffix[0] == '\0') {
    *out = v;
    return 0;
  }
  if (strcmp(suffix, "%") == 0) {
    *out = v / 100.0;
    return 0;
  }
  if (suffix[0] == '/') {
    double d;
    const char *end;
    char rest[32];
    if (read_number(suffix + 1, &d, &end, why) == 0) {
      read_suffix(end, rest, sizeof(rest));
      if (rest[0] != '\0') {
        *why = "a fraction is two numbers, as in 2/3";
        return -1;
      }
      if (d == 0) {
        *why = "division by zero";
        return -1;
      }
      *out = v / d;
      return 0;
    }
  }
  *why = units_kind_of(suffix) >= 0 ? "a plain number takes no unit" : "unknown unit";
  return -1;
}

int units_parse(const char *text, enum unit_kind kind, double *out, const char **why)
{
  const char *dummy;
  if (!why)
    why = &dummy;
  if (!text || (unsigned)kind >= UNIT_KIND_COUNT) {
    *why = "no value";
    return -1;
  }
  double v;
  const char *end;
  if (read_number(text, &v, &end, why) != 0)
    return -1;
  char suffix[32];
  read_suffix(end, suffix, sizeof(suffix));
  if (kind == UNIT_NUMBER)
    return number_suffix(v, suffix, out, why);
  if (suffix[0] == '\0') {
    *why = kind_needs_unit[kind];
    return -1;
  }
  const struct unit *u = find_unit(unit_tables[kind], suffix);
  if (!u) {
    int other = -1;
    for (int k = UNIT_TIME; k < UNIT_KIND_COUNT && other < 0; k++)
      if (find_unit(unit_tables[k], suffix))
        other = k;
    *why = other >= 0 ? "a unit of another kind of quantity" : "unknown unit";
    return -1;
  }
  double r = v * u->factor;
  if (!isfinite(r)) {
    *why = "not a finite number";
    return -1;
  }
  *out = r;
  return 0;
}

const char *units_allowed(enum unit_kind kind)
{
  static const char *const allowed[UNIT_KIND_COUNT] = {
    [UNIT_NUMBER] = "a plain number, a fraction such as 2/3, or a percentage such as 5%",
    [UNIT_TIME] = "us ms s min h d",
    [UNIT_SIZE] = "B KB MB GB TB KiB MiB GiB TiB",
    [UNIT_BANDWIDTH] = "bps Kbps Mbps Gbps Tbps B/s KB/s MB/s GB/s TB/s KiB/s MiB/s GiB/s "
                       "TiB/s Bps KBps MBps GBps TBps KiBps MiBps GiBps TiBps",
    [UNIT_RATE] = "/s /min /h /d",
    [UNIT_COMPUTE] = "FLOP/s GFLOP/s TFLOP/s PFLOP/s",
  };
  return (unsigned)kind < UNIT_KIND_COUNT ? allowed[kind] : "";
}

const char *units_base_symbol(enum unit_kind kind)
{
  static const char *const base[UNIT_KIND_COUNT] = {
    [UNIT_NUMBER] = "", [UNIT_TIME] = "s", [UNIT_SIZE] = "B", [UNIT_BANDWIDTH] = "B/s",
    [UNIT_RATE] = "/s", [UNIT_COMPUTE] = "FLOP/s",
  };
  return (unsigned)kind < UNIT_KIND_COUNT ? base[kind] : "";
}

int units_kind_of(const char *text)
{
  if (!text)
    return -1;
  double v;
  const char *end = text, *why;
  char suffix[32];
  if (read_number(text, &v, &end, &why) != 0)
    end = text; /* a bare suffix such as "Gbps" */
  read_suffix(end, suffix, sizeof(suffix));
  if (end != text) {
    double ignored;
    if (number_suffix(v, suffix, &ignored, &why) == 0)
      return UNIT_NUMBER;
  }
  for (int k = UNIT_TIME; k < UNIT_KIND_COUNT; k++)
    if (find_unit(unit_tables[k], suffix))
      return k;
  return -1;
}

/* The unit of table (among the names listed) with the largest factor not above |value|. */
static const struct unit *pick_unit(const struct unit *table, const char *const names[],
                                    double value)
{
  const struct unit *best = find_unit(table, names[0]);
  for (size_t i = 1; names[i]; i++) {
    const struct unit *u = find_unit(table, names[i]);
    if (fabs(value) >= u->factor)
      best = u;
  }
  return best;
}

/* Whether value is a whole multiple of a binary size unit (32 MiB reads better as MiB). */
static bool is_binary_multiple(double value)
{
  return value >= KI && fmod(value, KI) == 0 && fmod(value, 1000) != 0;
}

char *units_format(double value, enum unit_kind kind, char *buf, size_t n)
{
  static const char *const times[] = {"us", "ms", "s", "min", "h", "d", NULL};
  static const char *const sizes_dec[] = {"B", "KB", "MB", "GB", "TB", NULL};
  static const char *const sizes_bin[] = {"B", "KiB", "MiB", "GiB", "TiB", NULL};
  static const char *const bws[] = {"B/s", "KB/s", "MB/s", "GB/s", "TB/s", NULL};
  static const char *const computes[] = {"FLOP/s", "GFLOP/s", "TFLOP/s", "PFLOP/s", NULL};
  if (n == 0)
    return buf;
  const struct unit *u = NULL;
  switch (kind) {
  case UNIT_TIME:
    u = value == 0 ? &time_units[2] : pick_unit(time_units, times, value);
    break;
  case UNIT_SIZE:
    u = pick_unit(size_units, is_binary_multiple(value) ? sizes_bin : sizes_dec, value);
    break;
  case UNIT_BANDWIDTH:
    u = pick_unit(bandwidth_units, bws, value);
    break;
  case UNIT_RATE:
    u = &rate_units[0];
    break;
  case UNIT_COMPUTE:
    u = pick_unit(compute_units, computes, value);
    break;
  default:
    break;
  }
  if (!u) {
    snprintf(buf, n, "%.6g", value);
    return buf;
  }
  const char *space = kind == UNIT_RATE ? "" : " ";
  snprintf(buf, n, "%.6g%s%s", value / u->factor, space, u->suffix);
  return buf;
}
