/* profile.c: calibration profiles (YAML) read, written and looked up.
 *
 * A file is a mapping with `devices:`, a sequence of device mappings; each rate is a mapping
 * {value, unit, [min, max, reps, note]} whose unit is one of units.h's for the rate's kind
 * (GB/s, TFLOP/s, GiB). Files are read with the scenario's YAML reader (sim/base/cfg.h), so
 * every problem is reported in the same form, file:line:col: key.path: what is wrong, and
 * nothing is loaded when there is one. The layout is documented in gpu/profiles/README.md. */
#include "sim/device/profile.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/base/cfg.h"
#include "sim/base/units.h"

const char *const precision_names[] = {"fp32", "tf32", "fp16", "bf16", NULL};

struct rate_desc {
  const char *key;  /* YAML key path */
  const char *unit; /* base unit */
  bool required;
};

static const struct rate_desc rate_descs[PROFILE_RATE_COUNT] = {
  [PROFILE_MEMORY] = {"memory", "B", true},
  [PROFILE_GEMM_FP32] = {"gemm.fp32", "FLOP/s", true},
  [PROFILE_GEMM_TF32] = {"gemm.tf32", "FLOP/s", false},
  [PROFILE_GEMM_FP16] = {"gemm.fp16", "FLOP/s", false},
  [PROFILE_GEMM_BF16] = {"gemm.bf16", "FLOP/s", false},
  [PROFILE_MEM_BW] = {"mem_bw", "B/s", true},
  [PROFILE_H2D] = {"h2d", "B/s", true},
  [PROFILE_D2H] = {"d2h", "B/s", true},
  [PROFILE_RS_ENCODE] = {"rs_encode", "B/s", true},
  [PROFILE_DA_ENCODE] = {"da_encode", "B/s", true},
  [PROFILE_SIG_VERIFY] = {"sig_verify", "1/s", true},
};

struct profile_set {
  struct device_profile *dev;
  size_t n, cap;
};

const char *profile_rate_key(enum profile_rate r)
{
  return rate_descs[r].key;
}

bool profile_rate_required(enum profile_rate r)
{
  return rate_descs[r].required;
}

const char *profile_rate_unit(enum profile_rate r)
{
  return rate_descs[r].unit;
}

double *profile_rate_slot(struct device_profile *d, enum profile_rate r)
{
  switch (r) {
  case PROFILE_MEMORY: return &d->memory_bytes;
  case PROFILE_GEMM_FP32: return &d->gemm_flops[PREC_FP32];
  case PROFILE_GEMM_TF32: return &d->gemm_flops[PREC_TF32];
  case PROFILE_GEMM_FP16: return &d->gemm_flops[PREC_FP16];
  case PROFILE_GEMM_BF16: return &d->gemm_flops[PREC_BF16];
  case PROFILE_MEM_BW: return &d->mem_bw_Bps;
  case PROFILE_H2D: return &d->h2d_Bps;
  case PROFILE_D2H: return &d->d2h_Bps;
  case PROFILE_RS_ENCODE: return &d->rs_encode_Bps;
  case PROFILE_DA_ENCODE: return &d->da_encode_Bps;
  case PROFILE_SIG_VERIFY:
  case PROFILE_RATE_COUNT: break;
  }
  return &d->sig_verify_per_s;
}

double profile_rate_get(const struct device_profile *d, enum profile_rate r)
{
  return *profile_rate_slot((struct device_profile *)d, r);
}

void device_profile_fini(struct device_profile *d)
{
  if (!d)
    return;
  free(d->name);
  free(d->origin);
  free(d->date);
  free(d->driver);
  free(d->toolkit);
  for (int r = 0; r < PROFILE_RATE_COUNT; r++)
    free(d->note[r]);
  memset(d, 0, sizeof *d);
}

/* ---- reading ---- */

/* The unit kind of each rate, for units_parse (units.h). */
static enum unit_kind rate_kind(enum profile_rate r)
{
  switch (r) {
  case PROFILE_MEMORY: return UNIT_SIZE;
  case PROFILE_GEMM_FP32:
  case PROFILE_GEMM_TF32:
  case PROFILE_GEMM_FP16:
  case PROFILE_GEMM_BF16: return UNIT_COMPUTE;
  case PROFILE_SIG_VERIFY: return UNIT_RATE;
  default: return UNIT_BANDWIDTH;
  }
}

/* Base units per one `unit` of rate r, or 0 (reported) when the unit is not of its kind.
 * Profiles spell events per second "1/s", which units.h writes "/s". */
static double unit_scale(cfg_t *cfg, struct cfg_node unit_node, enum profile_rate r)
{
  const char *unit = cfg_scalar(unit_node);
  if (!unit) {
    cfg_error(cfg, unit_node, "expected a unit (allowed: %s)", units_allowed(rate_kind(r)));
    return 0;
  }
  char text[64];
  snprintf(text, sizeof text, "1 %s", strcmp(unit, "1/s") ? unit : "/s");
  double scale = 0;
  if (units_parse(text, rate_kind(r), &scale, NULL) != 0 || scale <= 0) {
    cfg_error(cfg, unit_node, "'%s' is not a unit of %s (allowed: %s)", unit,
              rate_descs[r].unit, r == PROFILE_SIG_VERIFY ? "1/s" : units_allowed(rate_kind(r)));
    return 0;
  }
  return scale;
}

static const char *const rate_keys[] = {"value", "unit", "min", "max", "reps", "note", NULL};
static const char *const rs_rate_keys[] = {"value", "unit", "min", "max", "reps", "note", "k",
                                           "m", NULL};

/* Reads one rate mapping {value, unit, [min, max, reps, note]} into d's field r. */
static void read_rate(cfg_t *cfg, struct cfg_node n, struct device_profile *d,
                      enum profile_rate r)
{
  if (!cfg_check_keys(cfg, n, r == PROFILE_RS_ENCODE ? rs_rate_keys : rate_keys) &&
      !cfg_is_mapping(n))
    return; /* an unknown key is reported and the others still read */
  double value = 0, mn = -1, mx = -1;
  long reps = 0, k = d->rs_k, m = d->rs_m;
  double least = rate_descs[r].required ? CFG_POSITIVE : 0;
  struct cfg_node unit;
  bool ok = cfg_get(cfg, n, "unit", &unit, true);
  double scale = ok ? unit_scale(cfg, unit, r) : 0;
  ok &= cfg_get_quantity(cfg, n, "value", UNIT_NUMBER, least, DBL_MAX, &value, true);
  ok &= cfg_get_quantity(cfg, n, "min", UNIT_NUMBER, 0, DBL_MAX, &mn, false);
  ok &= cfg_get_quantity(cfg, n, "max", UNIT_NUMBER, 0, DBL_MAX, &mx, false);
  ok &= cfg_get_int(cfg, n, "reps", &reps, 0, INT_MAX, false);
  ok &= cfg_get_string(cfg, n, "note", &d->note[r], false);
  if (r == PROFILE_RS_ENCODE) {
    ok &= cfg_get_int(cfg, n, "k", &k, 1, 255, false);
    ok &= cfg_get_int(cfg, n, "m", &m, 1, 255, false);
    d->rs_k = (int)k;
    d->rs_m = (int)m;
  }
  if (ok && ((mn >= 0 && mn > value) || (mx >= 0 && mx < value)))
    cfg_error(cfg, n, "min <= value <= max does not hold (%g, %g, %g)", mn, value, mx);
  *profile_rate_slot(d, r) = value * scale;
  d->spread[r].min = mn >= 0 ? mn * scale : 0;
  d->spread[r].max = mx >= 0 ? mx * scale : 0;
  d->spread[r].reps = (int)reps;
}

/* gemm: a mapping of precisions; fp32 is required, the others optional. */
static void read_gemm(cfg_t *cfg, struct cfg_node device, struct device_profile *d)
{
  struct cfg_node gemm;
  if (!cfg_get(cfg, device, "gemm", &gemm, true) ||
      (!cfg_check_keys(cfg, gemm, precision_names) && !cfg_is_mapping(gemm)))
    return;
  for (int p = 0; p < PREC_COUNT; p++) {
    struct cfg_node rate;
    enum profile_rate r = (enum profile_rate)(PROFILE_GEMM_FP32 + p);
    if (cfg_get(cfg, gemm, precision_names[p], &rate, p == PREC_FP32) && rate.node)
      read_rate(cfg, rate, d, r);
  }
}

static const char *const device_keys[] = {
  "name", "source", "origin", "date", "driver", "toolkit", "memory", "gemm", "mem_bw", "h2d",
  "d2h", "rs_encode", "da_encode", "sig_verify", NULL,
};
static const char *const sources[] = {"datasheet", "measured", NULL};

static void read_device(cfg_t *cfg, struct cfg_node n, struct device_profile *d)
{
  if (!cfg_check_keys(cfg, n, device_keys) && !cfg_is_mapping(n))
    return;
  int source = 0;
  cfg_get_string(cfg, n, "name", &d->name, true);
  cfg_get_enum(cfg, n, "source", sources, &source, true);
  d->measured = source == 1;
  cfg_get_string(cfg, n, "origin", &d->origin, true);
  cfg_get_string(cfg, n, "date", &d->date, true);
  cfg_get_string(cfg, n, "driver", &d->driver, false);
  cfg_get_string(cfg, n, "toolkit", &d->toolkit, false);
  read_gemm(cfg, n, d);
  for (int r = 0; r < PROFILE_RATE_COUNT; r++) {
    struct cfg_node rate;
    if (rate_kind((enum profile_rate)r) == UNIT_COMPUTE)
      continue; /* under gemm */
    if (cfg_get(cfg, n, rate_descs[r].key, &rate, true) && rate.node)
      read_rate(cfg, rate, d, (enum profile_rate)r);
  }
}

static bool set_append(profile_set_t *set, struct device_profile *d, diag_t *diag,
                       const char *file)
{
  for (size_t i = 0; i < set->n; i++)
    if (!strcmp(set->dev[i].name, d->name)) {
      diag_add(diag, DIAG_WARNING, file, 0, 0, d->name, "device given twice; the later "
               "entry replaces the earlier one");
      device_profile_fini(&set->dev[i]);
      set->dev[i] = *d;
      return true;
    }
  if (set->n == set->cap) {
    size_t cap = set->cap ? 2 * set->cap : 8;
    struct device_profile *dev = realloc(set->dev, cap * sizeof *dev);
    if (!dev)
      return false;
    set->dev = dev;
    set->cap = cap;
  }
  set->dev[set->n++] = *d;
  return true;
}

/* Reads one file's devices into set; every problem goes to diag. */
static void load_file(const char *path, profile_set_t *set, diag_t *diag)
{
  cfg_t *cfg = cfg_load_file(path, diag);
  if (!cfg)
    return;
  static const char *const root_keys[] = {"format", "devices", NULL};
  struct cfg_node root = cfg_root(cfg), devices;
  char *format = NULL;
  if (cfg_check_keys(cfg, root, root_keys) && cfg_get_string(cfg, root, "format", &format, false) &&
      format && strcmp(format, PROFILE_FORMAT) != 0) {
    struct cfg_node at;
    cfg_get(cfg, root, "format", &at, false);
    cfg_error(cfg, at, "format %s is not one this depinsim reads (allowed: " PROFILE_FORMAT ")",
              format);
  }
  free(format);
  if (cfg_get(cfg, root, "devices", &devices, true) && !cfg_is_sequence(devices))
    cfg_error(cfg, devices, "expected a sequence of devices");
  for (size_t i = 0; cfg_is_sequence(devices) && i < cfg_seq_count(devices); i++) {
    struct device_profile d = {0};
    size_t before = diag_error_count(diag);
    read_device(cfg, cfg_seq_item(devices, i), &d);
    if (diag_error_count(diag) != before || !set_append(set, &d, diag, path))
      device_profile_fini(&d);
  }
  cfg_free(cfg);
}

profile_set_t *profile_set_load(const char *const paths[], size_t n, diag_t *diag)
{
  profile_set_t *set = calloc(1, sizeof *set);
  size_t before = diag_error_count(diag);
  if (!set)
    return NULL;
  for (size_t i = 0; i < n; i++)
    load_file(paths[i], set, diag);
  if (diag_error_count(diag) == before)
    return set;
  profile_set_free(set);
  return NULL;
}

void profile_set_free(profile_set_t *set)
{
  if (!set)
    return;
  for (size_t i = 0; i < set->n; i++)
    device_profile_fini(&set->dev[i]);
  free(set->dev);
  free(set);
}

const struct device_profile *profile_set_find(const profile_set_t *set, const char *name)
{
  for (size_t i = 0; i < set->n; i++)
    if (!strcmp(set->dev[i].name, name))
      return &set->dev[i];
  for (size_t i = 0; i < set->n; i++)
    if (!strcasecmp(set->dev[i].name, name))
      return &set->dev[i];
  return NULL;
}

size_t profile_set_count(const profile_set_t *set)
{
  return set->n;
}

const struct device_profile *profile_set_at(const profile_set_t *set, size_t i)
{
  return i < set->n ? &set->dev[i] : NULL;
}

char *profile_set_names(const profile_set_t *set)
{
  size_t len = 1;
  for (size_t i = 0; i < set->n; i++)
    len += strlen(set->dev[i].name) + 2;
  char *s = malloc(len);
  if (!s)
    return NULL;
  s[0] = 0;
  for (size_t i = 0; i < set->n; i++) {
    if (i)
      strcat(s, ", ");
    strcat(s, set->dev[i].name);
  }
  return s;
}

/* ---- using ---- */

double profile_gemm_rate(const struct device_profile *d, enum precision p)
{
  for (int q = (int)p; q >= 0; q--)
    if (d->gemm_flops[q] > 0)
      return d->gemm_flops[q];
  return 0;
}

double profile_compute_seconds(const struct device_profile *d, enum precision p, double flops,
                               int gpus, double efficiency)
{
  double rate = profile_gemm_rate(d, p);
  if (rate <= 0 || gpus <= 0 || efficiency <= 0)
    return INFINITY;
  return flops / ((double)gpus * rate * efficiency);
}
