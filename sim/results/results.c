/* results.c: writing one run to HDF5 (layout in results.h) under a temporary name, renamed
 * into place only when the whole file is written.
 *
 * Every group and dataset is created with object time tracking off and every buffer is
 * zero-filled before it is written, so the same inputs give byte-identical datasets. HDF5's
 * own error printing is switched off while writing; a failure is reported once, in the diag
 * list, with the innermost message of HDF5's error stack. */
#include "sim/results/results.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "depinsim_revision.h"
#include "sim/base/paths.h"
#include "sim/results/h5.h"

struct writer {
  hid_t file, gcpl, dcpl;
  const char *path;
  diag_t *diag;
  bool failed; /* the first failure is reported; later ones are consequences */
};

static herr_t innermost(unsigned n, const H5E_error2_t *e, void *data)
{
  if (n == 0 && e->desc)
    snprintf(data, 256, "%s", e->desc);
  return 0;
}

/* Records "path: cannot write WHAT: HDF5's reason" once; returns -1 for the caller to return. */
static int fail(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct writer *w, const char *fmt, ...)
{
  if (w->failed)
    return -1;
  w->failed = true;
  char what[256], why[256] = "unknown HDF5 error";
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof(what), fmt, ap);
  va_end(ap);
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, why);
  H5Eclear2(H5E_DEFAULT);
  diag_add(w->diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot write %s: %s", w->path, what, why);
  return -1;
}

/* ---- attributes ---- */

static int attr_write(struct writer *w, hid_t obj, const char *name, hid_t type,
                      const void *value)
{
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t rc = attr >= 0 ? H5Awrite(attr, type, value) : -1;
  if (attr >= 0)
    H5Aclose(attr);
  H5Sclose(space);
  return rc < 0 ? fail(w, "attribute %s", name) : 0;
}

static int attr_string(struct writer *w, hid_t obj, const char *name, const char *value)
{
  if (!value)
    value = "";
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, strlen(value) + 1);
  H5Tset_strpad(type, H5T_STR_NULLTERM);
  int rc = attr_write(w, obj, name, type, value);
  H5Tclose(type);
  return rc;
}

static int attr_double(struct writer *w, hid_t obj, const char *name, double value)
{
  return attr_write(w, obj, name, H5T_NATIVE_DOUBLE, &value);
}

/* ---- compound datasets ---- */

/* A row-major buffer for a compound dataset: packed columns, zero-filled. */
struct compound {
  size_t ncols, nrows, rowsize;
  size_t *offset;
  enum column_type *type;
  hid_t h5type;
  char *data;
};

static void compound_free(struct compound *c)
{
  if (c->h5type > 0)
    H5Tclose(c->h5type);
  free(c->offset);
  free(c->type);
  free(c->data);
}

/* Lays out ncols columns (string columns strsize[c] bytes wide, NUL included) for nrows rows.
 * Returns -1 when out of memory. */
static int compound_init(struct compound *c, size_t nrows, size_t ncols, const char *const name[],
                         const enum column_type type[], const size_t strsize[])
{
  *c = (struct compound){.ncols = ncols, .nrows = nrows};
  c->offset = calloc(ncols + 1, sizeof(size_t));
  c->type = calloc(ncols + 1, sizeof(*c->type));
  if (!c->offset || !c->type)
    return -1;
  size_t size[ncols + 1];
  for (size_t k = 0; k < ncols; k++) {
    c->type[k] = type[k];
    size[k] = type[k] == COL_STRING ? (strsize[k] ? strsize[k] : 1) : 8;
    c->offset[k] = c->rowsize;
    c->rowsize += size[k];
  }
  c->data = calloc(nrows ? nrows : 1, c->rowsize ? c->rowsize : 1);
  if (!c->data)
    return -1;
  c->h5type = H5Tcreate(H5T_COMPOUND, c->rowsize ? c->rowsize : 1);
  for (size_t k = 0; k < ncols; k++) {
    hid_t member = type[k] == COL_INT64 ? H5Tcopy(H5T_NATIVE_INT64)
                   : type[k] == COL_DOUBLE ? H5Tcopy(H5T_NATIVE_DOUBLE)
                                           : H5Tcopy(H5T_C_S1);
    if (type[k] == COL_STRING) {
      H5Tset_size(member, size[k]);
      H5Tset_strpad(member, H5T_STR_NULLTERM);
    }
    H5Tinsert(c->h5type, name[k], c->offset[k], member);
    H5Tclose(member);
  }
  return 0;
}

static void *cell(struct compound *c, size_t row, size_t col)
{
  return c->data + row * c->rowsize + c->offset[col];
}

static void set_int(struct compound *c, size_t row, size_t col, int64_t v)
{
  memcpy(cell(c, row, col), &v, sizeof(v));
}

static void set_double(struct compound *c, size_t row, size_t col, double v)
{
  memcpy(cell(c, row, col), &v, sizeof(v));
}

/* Copies s, which the column was sized for (or truncated to fit). */
static void set_string(struct compound *c, size_t row, size_t col, const char *s)
{
  size_t width = (col + 1 < c->ncols ? c->offset[col + 1] : c->rowsize) - c->offset[col];
  strncpy(cell(c, row, col), s ? s : "", width - 1);
}

/* Rows a chunk holds: compression works a chunk at a time, and a reader decompresses whole
 * chunks, so a few thousand rows keep both cheap. */
#define RESULTS_CHUNK_ROWS 4096
/* gzip level: 6 compresses run files about as well as 9 (they are mostly repeated strings
 * and smooth doubles) at a fraction of the time. */
#define RESULTS_DEFLATE_LEVEL 6

/* The dataset creation list for a table or series of `rows` rows (and `cols` columns, for a
 * 2-D series): chunked by rows, shuffled and compressed. Empty datasets stay contiguous (a
 * chunk cannot be empty). Close it with H5Pclose. */
static hid_t compressed_dcpl(const struct writer *w, hsize_t rows, hsize_t cols)
{
  hid_t dcpl = H5Pcopy(w->dcpl);
  if (rows == 0)
    return dcpl;
  hsize_t chunk[2] = {rows < RESULTS_CHUNK_ROWS ? rows : RESULTS_CHUNK_ROWS, cols};
  H5Pset_chunk(dcpl, cols ? 2 : 1, chunk);
  H5Pset_shuffle(dcpl);
  H5Pset_deflate(dcpl, RESULTS_DEFLATE_LEVEL);
  return dcpl;
}

static int compound_write(struct writer *w, hid_t loc, const char *name, struct compound *c)
{
  hsize_t dims[1] = {c->nrows};
  hid_t space = H5Screate_simple(1, dims, NULL), dcpl = compressed_dcpl(w, c->nrows, 0);
  hid_t dset = H5Dcreate2(loc, name, c->h5type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Pclose(dcpl);
  herr_t rc = dset;
  if (dset >= 0 && c->nrows > 0)
    rc = H5Dwrite(dset, c->h5type, H5S_ALL, H5S_ALL, H5P_DEFAULT, c->data);
  if (dset >= 0)
    H5Dclose(dset);
  H5Sclose(space);
  return rc < 0 ? fail(w, "dataset %s", name) : 0;
}

static size_t width_of(const char *s, size_t at_least)
{
  size_t n = (s ? strlen(s) : 0) + 1;
  return n > at_least ? n : at_least;
}

/* ---- the groups ---- */

/* The wall-clock date for /meta: SOURCE_DATE_EPOCH when set (reproducible files), else now. */
static void creation_date(char *buf, size_t n)
{
  const char *epoch = getenv("SOURCE_DATE_EPOCH");
  time_t t = epoch && *epoch ? (time_t)strtoll(epoch, NULL, 10) : time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int write_meta(struct writer *w, const struct scenario *sc, const struct run_info *info)
{
  hid_t g = H5Gcreate2(w->file, H5_GROUP_META, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
  if (g < 0)
    return fail(w, "group /" H5_GROUP_META);
  size_t len = 1;
  for (size_t i = 0; i < sc->n_calibration; i++)
    len += strlen(sc->calibration[i]) + 1;
  char *calibration = calloc(len, 1);
  for (size_t i = 0; calibration && i < sc->n_calibration; i++) {
    if (i)
      strcat(calibration, "\n");
    strcat(calibration, sc->calibration[i]);
  }
  char date[32];
  creation_date(date, sizeof(date));
  uint64_t seed = sc->seed;
  struct run_info none = {0};
  if (!info)
    info = &none;
  int rc = calibration ? 0 : fail(w, "/" H5_GROUP_META ": out of memory");
  rc = rc ? rc : attr_string(w, g, "depinsim_version", DEPINSIM_VERSION);
  rc = rc ? rc : attr_string(w, g, "git_revision", DEPINSIM_GIT_REVISION);
  rc = rc ? rc : attr_string(w, g, "scenario_name", sc->name);
  rc = rc ? rc : attr_string(w, g, "scenario_file", sc->file);
  rc = rc ? rc : attr_string(w, g, "scenario_text", sc->text);
  rc = rc ? rc : attr_string(w, g, "overrides", sc->overrides ? sc->overrides : "");
  rc = rc ? rc : attr_write(w, g, "seed", H5T_NATIVE_UINT64, &seed);
  rc = rc ? rc : attr_double(w, g, "duration_s", sc->duration_s);
  rc = rc ? rc : attr_double(w, g, "warmup_s", sc->warmup_s);
  rc = rc ? rc : attr_double(w, g, "sample_interval_s", sc->sample_interval_s);
  rc = rc ? rc : attr_string(w, g, "calibration", calibration);
  rc = rc ? rc : attr_string(w, g, "created", date);
  rc = rc ? rc : attr_double(w, g, "wall_s", info->wall_s);
  rc = rc ? rc : attr_double(w, g, "activities", info->activities);
  rc = rc ? rc : attr_double(w, g, "peak_rss_bytes", info->peak_rss_bytes);
  free(calibration);
  H5Gclose(g);
  return rc;
}

static int write_summary(struct writer *w, const metrics_t *m)
{
  hid_t g = H5Gcreate2(w->file, H5_GROUP_SUMMARY, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
  if (g < 0)
    return fail(w, "group /" H5_GROUP_SUMMARY);
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < metrics_summary_count(m); i++) {
    const char *name, *unit;
    double value;
    metrics_summary_at(m, i, &name, &value, &unit);
    char unit_name[512];
    snprintf(unit_name, sizeof(unit_name), "%s.unit", name);
    rc = attr_double(w, g, name, value);
    rc = rc ? rc : attr_string(w, g, unit_name, unit);
  }
  H5Gclose(g);
  return rc;
}

static int write_bounds(struct writer *w, const metrics_t *m)
{
  size_t n = metrics_bound_count(m), wm = 1, wu = 1, wf = 1;
  for (size_t i = 0; i < n; i++) {
    const char *metric, *unit, *formula;
    metrics_bound_at(m, i, &metric, NULL, &unit, &formula);
    wm = width_of(metric, wm), wu = width_of(unit, wu), wf = width_of(formula, wf);
  }
  static const char *const name[] = {"metric", "value", "unit", "kind", "formula"};
  const enum column_type type[] = {COL_STRING, COL_DOUBLE, COL_STRING, COL_STRING, COL_STRING};
  const size_t strsize[] = {wm, 0, wu, 9, wf};
  struct compound c;
  int rc = compound_init(&c, n, 5, name, type, strsize)
             ? fail(w, "/" H5_DATASET_BOUNDS ": out of memory")
             : 0;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    const char *metric, *unit, *formula;
    double value;
    metrics_bound_at(m, i, &metric, &value, &unit, &formula);
    set_string(&c, i, 0, metric);
    set_double(&c, i, 1, value);
    set_string(&c, i, 2, unit);
    set_string(&c, i, 3, metrics_bound_kind_name(metrics_bound_kind(m, metric)));
    set_string(&c, i, 4, formula);
  }
  rc = rc ? rc : compound_write(w, w->file, H5_DATASET_BOUNDS, &c);
  compound_free(&c);
  return rc;
}

static int write_targets(struct writer *w, const struct target_outcome *o, size_t n)
{
  size_t wm = 1, wt = 1, wu = 1;
  for (size_t i = 0; i < n; i++) {
    wm = width_of(o[i].target->metric, wm);
    wt = width_of(o[i].target->text, wt);
    wu = width_of(o[i].unit, wu);
  }
  static const char *const name[] = {"metric", "op",    "target", "text",
                                     "measured", "bound", "unit",   "pass"};
  const enum column_type type[] = {COL_STRING, COL_STRING, COL_DOUBLE, COL_STRING,
                                   COL_DOUBLE, COL_DOUBLE, COL_STRING, COL_INT64};
  const size_t strsize[] = {wm, 3, 0, wt, 0, 0, wu, 0};
  struct compound c;
  int rc = compound_init(&c, n, 8, name, type, strsize)
             ? fail(w, "/" H5_DATASET_TARGETS ": out of memory")
             : 0;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    const struct target *t = o[i].target;
    set_string(&c, i, 0, t->metric);
    set_string(&c, i, 1, targets_op_name(t->op));
    set_double(&c, i, 2, t->value);
    set_string(&c, i, 3, t->text);
    set_double(&c, i, 4, o[i].measured_present ? o[i].measured : NAN);
    set_double(&c, i, 5, o[i].bound_present ? o[i].bound : NAN);
    set_string(&c, i, 6, o[i].unit);
    set_int(&c, i, 7, o[i].pass);
  }
  rc = rc ? rc : compound_write(w, w->file, H5_DATASET_TARGETS, &c);
  compound_free(&c);
  return rc;
}

/* A series as a table of (time, value) rows: f["timeseries/tps"]["value"] in h5py. */
struct series_row {
  double time, value;
};

static int write_series(struct writer *w, hid_t g, const metrics_t *m, size_t i)
{
  const char *name, *unit;
  const double *t, *v;
  size_t n;
  metrics_series_at(m, i, &name, &unit, &t, &v, &n);
  struct series_row *rows = calloc(n ? n : 1, sizeof(*rows));
  if (!rows)
    return fail(w, "/" H5_GROUP_TIMESERIES "/%s: out of memory", name);
  for (size_t k = 0; k < n; k++)
    rows[k] = (struct series_row){t[k], v[k]};
  hid_t type = H5Tcreate(H5T_COMPOUND, sizeof(struct series_row));
  H5Tinsert(type, "time", HOFFSET(struct series_row, time), H5T_NATIVE_DOUBLE);
  H5Tinsert(type, "value", HOFFSET(struct series_row, value), H5T_NATIVE_DOUBLE);
  hsize_t dims[1] = {n};
  hid_t space = H5Screate_simple(1, dims, NULL), dcpl = compressed_dcpl(w, n, 0);
  hid_t dset = H5Dcreate2(g, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Pclose(dcpl);
  int rc = dset < 0 ? fail(w, "/" H5_GROUP_TIMESERIES "/%s", name) : 0;
  if (rc == 0 && n > 0 && H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0)
    rc = fail(w, "/" H5_GROUP_TIMESERIES "/%s", name);
  rc = rc ? rc : attr_string(w, dset, "unit", unit);
  rc = rc ? rc : attr_string(w, dset, "value.unit", unit);
  rc = rc ? rc : attr_string(w, dset, "time.unit", "s");
  if (dset >= 0)
    H5Dclose(dset);
  H5Sclose(space);
  H5Tclose(type);
  free(rows);
  return rc;
}

static int write_distribution(struct writer *w, hid_t g, const metrics_t *m, size_t i)
{
  const char *name, *unit;
  const hist_t *h;
  metrics_hist_at(m, i, &name, &h, &unit);
  double *lower, *upper, *weight;
  size_t n = hist_bins(h, &lower, &upper, &weight);
  static const char *const col[] = {"lower", "upper", "weight"};
  const enum column_type type[] = {COL_DOUBLE, COL_DOUBLE, COL_DOUBLE};
  const size_t strsize[] = {0, 0, 0};
  struct compound c;
  int rc = compound_init(&c, n, 3, col, type, strsize) ? fail(w, "distribution: no memory") : 0;
  for (size_t k = 0; rc == 0 && k < n; k++) {
    set_double(&c, k, 0, lower[k]);
    set_double(&c, k, 1, upper[k]);
    set_double(&c, k, 2, weight[k]);
  }
  rc = rc ? rc : compound_write(w, g, name, &c);
  compound_free(&c);
  free(lower), free(upper), free(weight);
  hid_t dset = rc ? -1 : H5Dopen2(g, name, H5P_DEFAULT);
  if (rc == 0 && dset < 0)
    rc = fail(w, "/" H5_GROUP_DISTRIBUTIONS "/%s", name);
  rc = rc ? rc : attr_string(w, dset, "unit", unit);
  rc = rc ? rc : attr_double(w, dset, "count", hist_count(h));
  rc = rc ? rc : attr_double(w, dset, "mean", hist_mean(h));
  rc = rc ? rc : attr_double(w, dset, "min", hist_min(h));
  rc = rc ? rc : attr_double(w, dset, "p50", hist_quantile(h, 0.5));
  rc = rc ? rc : attr_double(w, dset, "p90", hist_quantile(h, 0.9));
  rc = rc ? rc : attr_double(w, dset, "p99", hist_quantile(h, 0.99));
  rc = rc ? rc : attr_double(w, dset, "max", hist_max(h));
  if (dset >= 0)
    H5Dclose(dset);
  return rc;
}

static int write_group_of(struct writer *w, const char *group, const metrics_t *m, size_t n,
                          int (*one)(struct writer *, hid_t, const metrics_t *, size_t))
{
  hid_t g = H5Gcreate2(w->file, group, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
  if (g < 0)
    return fail(w, "group /%s", group);
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < n; i++)
    rc = one(w, g, m, i);
  H5Gclose(g);
  return rc;
}

static int write_table(struct writer *w, const table_t *t)
{
  static const char *const reserved[] = {H5_GROUP_META,       H5_GROUP_SUMMARY,
                                         H5_DATASET_BOUNDS,   H5_DATASET_TARGETS,
                                         H5_GROUP_TIMESERIES, H5_GROUP_DISTRIBUTIONS};
  for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
    if (strcmp(table_name(t), reserved[i]) == 0)
      return fail(w, "table %s: the name is taken by /%s", table_name(t), reserved[i]);
  size_t nc = table_cols(t), nr = table_rows(t);
  const char *name[nc + 1];
  enum column_type type[nc + 1];
  size_t strsize[nc + 1];
  for (size_t k = 0; k < nc; k++) {
    name[k] = table_column(t, k)->name;
    type[k] = table_column(t, k)->type;
    strsize[k] = TABLE_STRING_MAX;
  }
  struct compound c;
  int rc = compound_init(&c, nr, nc, name, type, strsize) ? fail(w, "table: out of memory") : 0;
  for (size_t r = 0; rc == 0 && r < nr; r++)
    for (size_t k = 0; k < nc; k++) {
      if (type[k] == COL_INT64)
        set_int(&c, r, k, table_int(t, r, k));
      else if (type[k] == COL_DOUBLE)
        set_double(&c, r, k, table_double(t, r, k));
      else
        set_string(&c, r, k, table_string(t, r, k));
    }
  rc = rc ? rc : compound_write(w, w->file, table_name(t), &c);
  compound_free(&c);
  hid_t dset = rc ? -1 : H5Dopen2(w->file, table_name(t), H5P_DEFAULT);
  for (size_t k = 0; dset >= 0 && rc == 0 && k < nc; k++) {
    if (!*table_column(t, k)->unit)
      continue;
    char attr[256];
    snprintf(attr, sizeof(attr), "%s.unit", name[k]);
    rc = attr_string(w, dset, attr, table_column(t, k)->unit);
  }
  if (dset >= 0)
    H5Dclose(dset);
  return rc;
}

/* ---- the file ---- */

static int write_all(struct writer *w, const struct scenario *sc, const metrics_t *m,
                     const struct target_outcome *o, size_t n_o, const struct run_info *info)
{
  int rc = write_meta(w, sc, info);
  rc = rc ? rc : write_summary(w, m);
  rc = rc ? rc : write_bounds(w, m);
  rc = rc ? rc : write_targets(w, o, n_o);
  rc = rc ? rc : write_group_of(w, H5_GROUP_TIMESERIES, m, metrics_series_count(m), write_series);
  rc = rc ? rc
          : write_group_of(w, H5_GROUP_DISTRIBUTIONS, m, metrics_hist_count(m),
                           write_distribution);
  for (size_t i = 0; rc == 0 && i < metrics_table_count(m); i++)
    rc = write_table(w, metrics_table_at(m, i));
  return rc;
}

enum depin_status results_write(const char *path, const struct scenario *sc,
                                const metrics_t *m, const struct target_outcome *outcomes,
                                size_t n_outcomes, const struct run_info *info, diag_t *diag)
{
  if (paths_make_parent(path) < 0) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot create its folder: %s", path,
             strerror(errno));
    return DEPIN_EIO;
  }
  struct paths_staged staged;
  if (paths_stage(path, &staged) < 0) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot create a private folder beside it: "
             "%s", path, strerror(errno));
    return DEPIN_EIO;
  }
  const char *tmp = staged.path;
  struct h5_quiet quiet = h5_quiet_begin();

  struct writer w = {.path = path, .diag = diag, .gcpl = H5Pcreate(H5P_GROUP_CREATE),
                     .dcpl = H5Pcreate(H5P_DATASET_CREATE)};
  H5Pset_obj_track_times(w.gcpl, 0);
  H5Pset_obj_track_times(w.dcpl, 0);
  /* readers list members and attributes in the order they were written */
  const unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
  H5Pset_link_creation_order(w.gcpl, order);
  H5Pset_attr_creation_order(w.gcpl, order);
  H5Pset_attr_creation_order(w.dcpl, order);
  hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
  H5Pset_link_creation_order(fcpl, order);
  H5Pset_attr_creation_order(fcpl, order);
  w.file = H5Fcreate(tmp, H5F_ACC_EXCL, fcpl, H5P_DEFAULT);
  H5Pclose(fcpl);
  int rc = w.file < 0 ? fail(&w, "temporary file %s", tmp) : 0;
  rc = rc ? rc : write_all(&w, sc, m, outcomes, n_outcomes, info);
  if (w.file >= 0 && H5Fclose(w.file) < 0)
    rc = fail(&w, "closing %s", tmp);
  H5Pclose(w.gcpl);
  H5Pclose(w.dcpl);
  h5_quiet_end(quiet);

  if (rc == 0 && paths_commit(&staged, path) < 0) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot rename the written file into "
             "place: %s", path, strerror(errno));
    rc = -1;
  }
  paths_discard(&staged); /* after a failure: what was written goes */
  return rc == 0 ? DEPIN_OK : DEPIN_EIO;
}
