/* profile.c: calibration profiles (YAML) read with libfyaml, written, and looked up.
 *
 * A file is a mapping with `devices:`, a sequence of device mappings; each rate is a mapping
 * {value, unit, [min, max, reps, note]} whose unit may carry an SI or binary prefix (GB/s,
 * TFLOP/s, GiB). Every problem found is reported to the diag list with its file:line:col, and
 * nothing is loaded when there is one. The layout is documented in gpu/profiles/README.md. */
#include "sim/device/profile.h"

#include <ctype.h>
#include <libfyaml.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* What one load needs to report: the file name and the diag list. */
struct reader {
  const char *file;
  diag_t *diag;
  size_t errors;
};

/* 1-based line:col of a node: its own token for scalars, the first key or item otherwise. */
static void node_pos(struct fy_node *n, int *line, int *col)
{
  *line = *col = 0;
  while (n && !fy_node_is_scalar(n)) {
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
      struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
      n = p ? fy_node_pair_key(p) : NULL;
    } else {
      n = fy_node_sequence_iterate(n, &it);
    }
  }
  struct fy_token *t = n ? fy_node_get_scalar_token(n) : NULL;
  const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
  if (m) {
    *line = m->line + 1;
    *col = m->column + 1;
  }
}

static void report(struct reader *rd, struct fy_node *at, const char *path, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

static void report(struct reader *rd, struct fy_node *at, const char *path, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int line, col;
  node_pos(at, &line, &col);
  diag_add(rd->diag, DIAG_ERROR, rd->file, line, col, path, "%s", msg);
  rd->errors++;
}

static const char *scalar(struct reader *rd, struct fy_node *n, const char *path)
{
  if (!n || !fy_node_is_scalar(n)) {
    report(rd, n, path, "expected a scalar");
    return NULL;
  }
  return fy_node_get_scalar0(n);
}

static char *scalar_dup(struct reader *rd, struct fy_node *n, const char *path)
{
  const char *s = scalar(rd, n, path);
  return s ? strdup(s) : NULL;
}

static bool number(struct reader *rd, struct fy_node *n, const char *path, double *out)
{
  const char *s = scalar(rd, n, path);
  if (!s)
    return false;
  char *end;
  double v = strtod(s, &end);
  if (end == s || *end || !isfinite(v) || v < 0) {
    report(rd, n, path, "'%s' is not a non-negative number", s);
    return false;
  }
  *out = v;
  return true;
}

/* Multiplier of a unit against its base ("GB/s" against "B/s"); 0 if it is not one of them. */
static double unit_scale(const char *unit, const char *base)
{
  static const struct {
    const char *prefix;
    double scale;
  } prefixes[] = {{"", 1},         {"k", 1e3},          {"M", 1e6},          {"G", 1e9},
                  {"T", 1e12},     {"P", 1e15},         {"Ki", 1024.0},      {"Mi", 1048576.0},
                  {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}};
  if (!strcmp(base, "1/s"))
    return strcmp(unit, "1/s") ? 0 : 1;
  size_t ul = strlen(unit), bl = strlen(base);
  if (ul < bl || strcmp(unit + ul - bl, base))
    return 0;
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strlen(prefixes[i].prefix) == ul - bl && !strncmp(unit, prefixes[i].prefix, ul - bl))
      return prefixes[i].scale;
  return 0;
}

static const char *allowed_units(const char *base)
{
  if (!strcmp(base, "B"))
    return "B, kB, MB, GB, TB, KiB, MiB, GiB, TiB";
  if (!strcmp(base, "B/s"))
    return "B/s, kB/s, MB/s, GB/s, TB/s, MiB/s, GiB/s";
  if (!strcmp(base, "FLOP/s"))
    return "FLOP/s, GFLOP/s, TFLOP/s, PFLOP/s";
  return "1/s";
}

#define RATE_KEYS "value, unit, min, max, reps, note (rs_encode also k, m)"

/* Reads one rate mapping into d's field r. */
static void read_rate(struct reader *rd, struct fy_node *n, struct device_profile *d,
                      enum profile_rate r)
{
  const char *path = rate_descs[r].key;
  if (!fy_node_is_mapping(n)) {
    report(rd, n, path, "expected a mapping {value: V, unit: %s}", rate_descs[r].unit);
    return;
  }
  double value = -1, mn = -1, mx = -1, reps = 0, scale = 0;
  bool value_seen = false;
  struct fy_node *unit_node = fy_node_mapping_lookup_by_string(n, "unit", FY_NT);
  const char *unit = unit_node ? scalar(rd, unit_node, path) : NULL;
  if (!unit_node)
    report(rd, n, path, "missing unit (allowed: %s)", allowed_units(rate_descs[r].unit));
  else if (unit && !(scale = unit_scale(unit, rate_descs[r].unit)))
    report(rd, unit_node, path, "unit '%s' is not one of %s", unit,
           allowed_units(rate_descs[r].unit));
  void *it = NULL;
  struct fy_node_pair *p;
  while ((p = fy_node_mapping_iterate(n, &it))) {
    struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
    const char *key = scalar(rd, k, path);
    double x;
    if (!key || !strcmp(key, "unit"))
      continue;
    if (!strcmp(key, "value")) {
      value_seen = true;
      number(rd, v, path, &value);
    }
    else if (!strcmp(key, "min"))
      number(rd, v, path, &mn);
    else if (!strcmp(key, "max"))
      number(rd, v, path, &mx);
    else if (!strcmp(key, "reps"))
      number(rd, v, path, &reps);
    else if (!strcmp(key, "note")) {
      free(d->note[r]);
      d->note[r] = scalar_dup(rd, v, path);
    } else if (r == PROFILE_RS_ENCODE && (!strcmp(key, "k") || !strcmp(key, "m"))) {
      if (!number(rd, v, path, &x))
        continue;
      if (x < 1 || x > 255 || x != floor(x))
        report(rd, v, path, "%s = %g is not an integer in 1..255", key, x);
      else
        *(key[0] == 'k' ? &d->rs_k : &d->rs_m) = (int)x;
    } else
      report(rd, k, path, "unknown key '%s' (allowed: %s)", key, RATE_KEYS);
  }
  if (!value_seen)
    report(rd, n, path, "missing value");
  if (value < 0)
    return;
  if (rate_descs[r].required && value == 0)
    report(rd, n, path, "value must be positive");
  if ((mn >= 0 && mn > value) || (mx >= 0 && mx < value))
    report(rd, n, path, "min <= value <= max does not hold (%g, %g, %g)", mn, value, mx);
  *profile_rate_slot(d, r) = value * scale;
  d->spread[r].min = mn >= 0 ? mn * scale : 0;
  d->spread[r].max = mx >= 0 ? mx * scale : 0;
  d->spread[r].reps = (int)reps;
}

static bool rate_by_key(const char *key, enum profile_rate *r)
{
  for (int i = 0; i < PROFILE_RATE_COUNT; i++)
    if (!strcmp(rate_descs[i].key, key)) {
      *r = (enum profile_rate)i;
      return true;
    }
  return false;
}

static void read_gemm(struct reader *rd, struct fy_node *n, struct device_profile *d, bool *seen)
{
  if (!fy_node_is_mapping(n)) {
    report(rd, n, "gemm", "expected a mapping of precisions (allowed: fp32, tf32, fp16, bf16)");
    return;
  }
  void *it = NULL;
  struct fy_node_pair *p;
  while ((p = fy_node_mapping_iterate(n, &it))) {
    const char *key = scalar(rd, fy_node_pair_key(p), "gemm");
    char full[64];
    enum profile_rate r;
    if (!key)
      continue;
    snprintf(full, sizeof full, "gemm.%s", key);
    if (!rate_by_key(full, &r)) {
      report(rd, fy_node_pair_key(p), "gemm", "unknown precision '%s' (allowed: fp32, tf32, "
             "fp16, bf16)", key);
      continue;
    }
    seen[r] = true;
    read_rate(rd, fy_node_pair_value(p), d, r);
  }
}

#define DEVICE_KEYS "name, source, origin, date, driver, toolkit, memory, gemm, mem_bw, h2d, " \
                    "d2h, rs_encode, da_encode, sig_verify"

/* A device's scalar (non-rate) key; false when key is none of them. */
static bool read_device_scalar(struct reader *rd, const char *key, struct fy_node *v,
                               struct device_profile *d)
{
  char **slot = !strcmp(key, "name")      ? &d->name
                : !strcmp(key, "origin")  ? &d->origin
                : !strcmp(key, "date")    ? &d->date
                : !strcmp(key, "driver")  ? &d->driver
                : !strcmp(key, "toolkit") ? &d->toolkit
                                          : NULL;
  if (slot) {
    free(*slot);
    *slot = scalar_dup(rd, v, key);
    return true;
  }
  if (strcmp(key, "source"))
    return false;
  const char *s = scalar(rd, v, key);
  if (s && strcmp(s, "measured") && strcmp(s, "datasheet"))
    report(rd, v, key, "'%s' is not a source (allowed: measured, datasheet)", s);
  d->measured = s && !strcmp(s, "measured");
  return true;
}

static void read_device(struct reader *rd, struct fy_node *n, struct device_profile *d)
{
  bool seen[PROFILE_RATE_COUNT] = {false};
  void *it = NULL;
  struct fy_node_pair *p;
  bool have_source = false;
  while ((p = fy_node_mapping_iterate(n, &it))) {
    struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
    const char *key = scalar(rd, k, "devices");
    enum profile_rate r;
    if (!key)
      continue;
    have_source |= !strcmp(key, "source");
    if (read_device_scalar(rd, key, v, d))
      continue;
    if (!strcmp(key, "gemm"))
      read_gemm(rd, v, d, seen);
    else if (strncmp(key, "gemm.", 5) && rate_by_key(key, &r)) {
      seen[r] = true;
      read_rate(rd, v, d, r);
    } else
      report(rd, k, key, "unknown key '%s' (allowed: %s)", key, DEVICE_KEYS);
  }
  const char *what = d->name ? d->name : "device";
  if (!d->name)
    report(rd, n, "devices", "a device without name");
  if (!have_source)
    report(rd, n, what, "missing source (allowed: measured, datasheet)");
  if (!d->origin)
    report(rd, n, what, "missing origin (the command that measured it, or the datasheet)");
  if (!d->date)
    report(rd, n, what, "missing date");
  for (int r = 0; r < PROFILE_RATE_COUNT; r++)
    if (rate_descs[r].required && !seen[r])
      report(rd, n, what, "missing %s {value: V, unit: %s}", rate_descs[r].key,
             rate_descs[r].unit);
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

/* Parser messages (syntax errors) carry their own position, already 1-based in
 * struct fy_diag_error (unlike fy_mark's). */
static void report_parse_errors(struct reader *rd, struct fy_diag *fyd)
{
  void *it = NULL;
  struct fy_diag_error *e;
  bool any = false;
  while ((e = fy_diag_errors_iterate(fyd, &it))) {
    diag_add(rd->diag, DIAG_ERROR, rd->file, e->line, e->column, NULL, "%s", e->msg);
    any = true;
  }
  if (!any)
    diag_add(rd->diag, DIAG_ERROR, rd->file, 0, 0, NULL, "cannot read the file as YAML");
  rd->errors++;
}

static void read_devices(struct reader *rd, struct fy_node *root, profile_set_t *set)
{
  struct fy_node *devs = fy_node_is_mapping(root)
                           ? fy_node_mapping_lookup_by_string(root, "devices", FY_NT) : NULL;
  if (!devs || !fy_node_is_sequence(devs)) {
    report(rd, devs ? devs : root, "devices", "expected `devices:`, a sequence of devices");
    return;
  }
  void *it = NULL;
  struct fy_node *item;
  while ((item = fy_node_sequence_iterate(devs, &it))) {
    struct device_profile d = {0};
    size_t before = rd->errors;
    if (!fy_node_is_mapping(item))
      report(rd, item, "devices", "expected a device mapping (keys: %s)", DEVICE_KEYS);
    else
      read_device(rd, item, &d);
    if (rd->errors != before || !set_append(set, &d, rd->diag, rd->file))
      device_profile_fini(&d);
  }
  void *kit = NULL;
  struct fy_node_pair *p;
  while ((p = fy_node_mapping_iterate(root, &kit))) {
    const char *key = fy_node_get_scalar0(fy_node_pair_key(p));
    const char *v = NULL;
    if (key && !strcmp(key, "format")) {
      v = scalar(rd, fy_node_pair_value(p), "format");
      if (v && strcmp(v, PROFILE_FORMAT))
        report(rd, fy_node_pair_value(p), "format", "format %s is not one this depinsim reads "
               "(allowed: " PROFILE_FORMAT ")", v);
    } else if (!key || strcmp(key, "devices"))
      report(rd, fy_node_pair_key(p), key ? key : "", "unknown key (allowed: format, devices)");
  }
}

static void load_file(struct reader *rd, profile_set_t *set)
{
  struct fy_diag_cfg dcfg;
  fy_diag_cfg_default(&dcfg);
  dcfg.fp = fopen("/dev/null", "w");
  dcfg.colorize = false;
  struct fy_diag *fyd = dcfg.fp ? fy_diag_create(&dcfg) : NULL;
  if (fyd)
    fy_diag_set_collect_errors(fyd, true);
  struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG, .diag = fyd};
  FILE *probe = fopen(rd->file, "r");
  struct fy_document *doc = NULL;
  if (!probe) {
    diag_add(rd->diag, DIAG_ERROR, rd->file, 0, 0, NULL, "cannot open the profile");
    rd->errors++;
    goto done;
  }
  fclose(probe);
  doc = fyd ? fy_document_build_from_file(&cfg, rd->file) : NULL;
  if (!doc)
    report_parse_errors(rd, fyd);
  else
    read_devices(rd, fy_document_root(doc), set);
done:
  fy_document_destroy(doc);
  if (fyd)
    fy_diag_destroy(fyd);
  if (dcfg.fp)
    fclose(dcfg.fp);
}

profile_set_t *profile_set_load(const char *const paths[], size_t n, diag_t *diag)
{
  profile_set_t *set = calloc(1, sizeof *set);
  struct reader rd = {.diag = diag};
  if (!set)
    goto fail;
  for (size_t i = 0; i < n; i++) {
    rd.file = paths[i];
    load_file(&rd, set);
  }
  if (rd.errors)
    goto fail;
  return set;
fail:
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
