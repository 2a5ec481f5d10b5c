/* sweep_file.c: one HDF5 file per sweep (sweep_private.h's sweep_file_write).
 *
 * Layout; every string is a fixed-length, NUL-terminated ASCII string:
 *   /meta    group; attributes depinsim_version, git_revision, scenario_name, scenario_file,
 *            scenario_text (the base document, overrides applied), method, samples,
 *            replications, parameters (the swept key paths, one a line), targets (one
 *            "metric op value" a line), points_dir ("points": each point's run file is
 *            <points_dir>/<id>/run.h5 beside sweep.h5)
 *   /points  compound, one row per point in id order: id, sample, replication, seed (uint64);
 *            one column per swept key path (double in the base unit, or a string for text
 *            values); one double column per summary metric any point reported (NaN where a
 *            point did not); pass (int64: 1 every target met, 0 a target missed, -1 failed or
 *            not run), exit_code (int64, -1 not run or no exit), error (string, "" when
 *            none), run_file (string, relative to the sweep file). Attributes "<column>.unit"
 *            for the swept values and the metrics.
 * Written in a private folder beside it and renamed (paths.h); no time stamps in datasets, so a sweep run
 * locally and under MPI give identical /points. */
#include "sim/run/sweep_private.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xbt/asserts.h>

#include "depinsim_revision.h"
#include "sim/base/paths.h"
#include "sim/base/strfmt.h"
#include "sim/results/h5.h"
#include "sim/scenario/scenario.h"

#define SWEEP_TEXT_WIDTH 64   /* swept text values and run file names */
#define SWEEP_ERROR_WIDTH 256 /* error messages */

enum col_kind { COL_I64, COL_U64, COL_F64, COL_STR };

struct col {
  const char *name; /* borrowed from the spec or an outcome */
  enum col_kind kind;
  size_t width, offset;
  const char *unit;
};

struct layout {
  struct col *cols;
  size_t n, row_size;
  size_t first_axis, first_metric, n_metrics;
};

static void add_col(struct layout *l, const char *name, enum col_kind kind, size_t width,
                    const char *unit)
{
  size_t size = kind == COL_STR ? width : 8;
  l->cols[l->n++] = (struct col){name, kind, size, l->row_size, unit};
  l->row_size += size;
}

/* The union of the points' metrics, in point order then each point's own order. */
static void build_layout(const struct sweep *s, struct layout *l)
{
  size_t cap = 8 + s->spec->n_axes;
  for (size_t i = 0; i < s->spec->n_points; i++)
    cap += (size_t)(s->outcomes[i].n_metrics > 0 ? s->outcomes[i].n_metrics : 0);
  l->cols = calloc(cap, sizeof(struct col));
  xbt_assert(l->cols, "out of memory");
  add_col(l, "id", COL_I64, 0, NULL);
  add_col(l, "sample", COL_I64, 0, NULL);
  add_col(l, "replication", COL_I64, 0, NULL);
  add_col(l, "seed", COL_U64, 0, NULL);
  l->first_axis = l->n;
  for (size_t a = 0; a < s->spec->n_axes; a++) {
    const struct sweep_axis *ax = &s->spec->axes[a];
    add_col(l, ax->path, ax->numeric ? COL_F64 : COL_STR, SWEEP_TEXT_WIDTH, ax->unit);
  }
  l->first_metric = l->n;
  for (size_t i = 0; i < s->spec->n_points; i++) {
    const struct sweep_outcome *o = &s->outcomes[i];
    for (long m = 0; m < o->n_metrics; m++) {
      bool seen = false;
      for (size_t c = 0; c < l->n && !seen; c++)
        seen = !strcmp(l->cols[c].name, o->names[m]);
      if (!seen)
        add_col(l, o->names[m], COL_F64, 0, o->units[m]);
    }
  }
  l->n_metrics = l->n - l->first_metric;
  add_col(l, "pass", COL_I64, 0, NULL);
  add_col(l, "exit_code", COL_I64, 0, NULL);
  add_col(l, "error", COL_STR, SWEEP_ERROR_WIDTH, NULL);
  add_col(l, "run_file", COL_STR, SWEEP_TEXT_WIDTH, NULL);
}

static void put_i64(char *row, const struct col *c, int64_t v) { memcpy(row + c->offset, &v, 8); }
static void put_f64(char *row, const struct col *c, double v) { memcpy(row + c->offset, &v, 8); }
static void put_str(char *row, const struct col *c, const char *v)
{
  strncpy(row + c->offset, v ? v : "", c->width - 1);
}

static char *rows(const struct sweep *s, const struct layout *l)
{
  char *buf = calloc(s->spec->n_points ? s->spec->n_points : 1, l->row_size);
  xbt_assert(buf, "out of memory");
  for (size_t i = 0; i < s->spec->n_points; i++) {
    char *row = buf + i * l->row_size, file[64];
    const struct sweep_point *p = &s->spec->points[i];
    const struct sweep_outcome *o = &s->outcomes[i];
    put_i64(row, &l->cols[0], (int64_t)p->id);
    put_i64(row, &l->cols[1], (int64_t)p->sample);
    put_i64(row, &l->cols[2], (int64_t)p->replication);
    memcpy(row + l->cols[3].offset, &p->seed, 8);
    for (size_t a = 0; a < s->spec->n_axes; a++) {
      const struct col *c = &l->cols[l->first_axis + a];
      if (c->kind == COL_F64)
        put_f64(row, c, p->values[a]);
      else
        put_str(row, c, p->texts[a]);
    }
    for (size_t m = 0; m < l->n_metrics; m++) {
      const struct col *c = &l->cols[l->first_metric + m];
      double v = NAN;
      for (long k = 0; k < o->n_metrics; k++)
        if (!strcmp(o->names[k], c->name))
          v = o->values[k];
      put_f64(row, c, v);
    }
    size_t tail = l->first_metric + l->n_metrics;
    bool ran = o->done && !o->error;
    put_i64(row, &l->cols[tail], ran ? (o->code == 0 ? 1 : 0) : -1);
    put_i64(row, &l->cols[tail + 1], o->done ? o->code : -1);
    put_str(row, &l->cols[tail + 2], o->done ? o->error : "not run");
    snprintf(file, sizeof(file), "points/%05zu/run.h5", i);
    put_str(row, &l->cols[tail + 3], o->n_metrics > 0 ? file : "");
  }
  return buf;
}

static hid_t compound_type(const struct layout *l)
{
  hid_t t = H5Tcreate(H5T_COMPOUND, l->row_size);
  for (size_t c = 0; c < l->n; c++) {
    const struct col *col = &l->cols[c];
    hid_t member = col->kind == COL_I64   ? H5Tcopy(H5T_STD_I64LE)
                   : col->kind == COL_U64 ? H5Tcopy(H5T_STD_U64LE)
                   : col->kind == COL_F64 ? H5Tcopy(H5T_IEEE_F64LE)
                                          : H5Tcopy(H5T_C_S1);
    if (col->kind == COL_STR) {
      H5Tset_size(member, col->width);
      H5Tset_strpad(member, H5T_STR_NULLTERM);
    }
    H5Tinsert(t, col->name, col->offset, member);
    H5Tclose(member);
  }
  return t;
}

static herr_t attr_string(hid_t obj, const char *name, const char *value)
{
  hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR);
  H5Tset_size(type, strlen(value) + 1);
  H5Tset_strpad(type, H5T_STR_NULLTERM);
  hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t rc = attr >= 0 ? H5Awrite(attr, type, value) : -1;
  if (attr >= 0)
    H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
  return rc;
}

static herr_t attr_i64(hid_t obj, const char *name, int64_t value)
{
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t rc = attr >= 0 ? H5Awrite(attr, H5T_NATIVE_INT64, &value) : -1;
  if (attr >= 0)
    H5Aclose(attr);
  H5Sclose(space);
  return rc;
}

/* Lines of text: the swept paths, or the targets as written. */
static char *joined_lines(const struct sweep *s, bool targets)
{
  size_t n = targets ? s->sc->n_targets : s->spec->n_axes, len = 1;
  for (size_t i = 0; i < n; i++)
    len += targets ? strlen(s->sc->targets[i].metric) + strlen(s->sc->targets[i].text) + 2
                   : strlen(s->spec->axes[i].path) + 1;
  char *text = calloc(len, 1);
  xbt_assert(text, "out of memory");
  for (size_t i = 0; i < n; i++) {
    if (targets)
      strcat(strcat(strcat(text, s->sc->targets[i].metric), " "), s->sc->targets[i].text);
    else
      strcat(text, s->spec->axes[i].path);
    if (i + 1 < n)
      strcat(text, "\n");
  }
  return text;
}

static herr_t write_meta(const struct sweep *s, hid_t file, hid_t gcpl)
{
  hid_t g = H5Gcreate2(file, H5_GROUP_META, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  if (g < 0)
    return -1;
  char *params = joined_lines(s, false), *targets = joined_lines(s, true);
  herr_t rc = 0;
  rc |= attr_string(g, "depinsim_version", DEPINSIM_VERSION);
  rc |= attr_string(g, "git_revision", DEPINSIM_GIT_REVISION);
  rc |= attr_string(g, "scenario_name", s->sc->name);
  rc |= attr_string(g, "scenario_file", s->sc->file);
  rc |= attr_string(g, "scenario_text", s->sc->text);
  rc |= attr_string(g, "method", sweep_method_names[s->spec->method]);
  rc |= attr_i64(g, "samples", (int64_t)s->spec->n_samples);
  rc |= attr_i64(g, "replications", (int64_t)s->spec->replications);
  rc |= attr_string(g, "parameters", params);
  rc |= attr_string(g, "targets", targets);
  rc |= attr_string(g, "points_dir", "points");
  free(params), free(targets);
  H5Gclose(g);
  return rc;
}

static herr_t write_points(const struct sweep *s, hid_t file, hid_t dcpl)
{
  struct layout l = {0};
  build_layout(s, &l);
  char *buf = rows(s, &l);
  hid_t type = compound_type(&l);
  hsize_t dims[1] = {s->spec->n_points};
  hid_t space = H5Screate_simple(1, dims, NULL);
  hid_t d = H5Dcreate2(file, H5_DATASET_POINTS, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  herr_t rc = d >= 0 ? H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : -1;
  for (size_t c = 0; d >= 0 && c < l.n; c++) {
    if (!l.cols[c].unit)
      continue;
    char name[512];
    snprintf(name, sizeof(name), "%s.unit", l.cols[c].name);
    rc |= attr_string(d, name, l.cols[c].unit);
  }
  if (d >= 0)
    H5Dclose(d);
  H5Sclose(space);
  H5Tclose(type);
  free(buf);
  free(l.cols);
  return rc;
}

enum depin_status sweep_file_write(const struct sweep *s, const char *path, diag_t *diag)
{
  struct paths_staged staged;
  if (paths_stage(path, &staged) < 0) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot create a private folder beside it: "
             "%s", path, strerror(errno));
    return DEPIN_EIO;
  }
  struct h5_quiet quiet = h5_quiet_begin();
  hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), gcpl = H5Pcreate(H5P_GROUP_CREATE),
        dcpl = H5Pcreate(H5P_DATASET_CREATE);
  unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
  H5Pset_link_creation_order(fcpl, order);
  H5Pset_attr_creation_order(gcpl, order);
  H5Pset_attr_creation_order(dcpl, order);
  H5Pset_obj_track_times(gcpl, 0);
  H5Pset_obj_track_times(dcpl, 0);
  hid_t file = H5Fcreate(staged.path, H5F_ACC_EXCL, fcpl, H5P_DEFAULT);
  herr_t rc = file >= 0 ? 0 : -1;
  rc = rc < 0 ? rc : write_meta(s, file, gcpl);
  rc = rc < 0 ? rc : write_points(s, file, dcpl);
  if (file >= 0 && H5Fclose(file) < 0)
    rc = -1;
  H5Pclose(fcpl), H5Pclose(gcpl), H5Pclose(dcpl);
  enum depin_status st = DEPIN_OK;
  if (rc < 0 || paths_commit(&staged, path) != 0) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot write the sweep file", path);
    st = DEPIN_EIO;
  }
  paths_discard(&staged);
  h5_quiet_end(quiet);
  return st;
}
