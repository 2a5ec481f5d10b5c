/* runfile.c: reading a run file back through the HDF5 C API. */
#include "sim/results/runfile.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/results/h5.h"

enum depin_status runfile_open(const char *path, hid_t *file, diag_t *diag)
{
  struct stat st;
  if (stat(path, &st) < 0) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: %s", path, strerror(errno));
    return errno == ENOENT ? DEPIN_ENOENT : DEPIN_EIO;
  }
  if (H5Fis_hdf5(path) <= 0) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: not an HDF5 file", path);
    return DEPIN_EIO;
  }
  *file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (*file < 0) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot open the HDF5 file", path);
    return DEPIN_EIO;
  }
  return DEPIN_OK;
}

bool runfile_attr_is_single(hid_t attr)
{
  hid_t space = H5Aget_space(attr);
  bool single = space >= 0 && H5Sget_simple_extent_npoints(space) == 1;
  if (space >= 0)
    H5Sclose(space);
  return single;
}

char *runfile_attr_string(hid_t obj, const char *name)
{
  if (H5Aexists(obj, name) <= 0)
    return NULL;
  hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  if (attr < 0)
    return NULL;
  hid_t type = H5Aget_type(attr);
  char *out = NULL;
  if (H5Tget_class(type) == H5T_STRING && !H5Tis_variable_str(type) &&
      runfile_attr_is_single(attr)) {
    size_t n = H5Tget_size(type);
    hid_t mem = H5Tcopy(H5T_C_S1);
    H5Tset_size(mem, n);
    out = calloc(n + 1, 1);
    if (out && H5Aread(attr, mem, out) < 0) {
      free(out);
      out = NULL;
    }
    H5Tclose(mem);
  }
  H5Tclose(type);
  H5Aclose(attr);
  return out;
}

bool runfile_attr_double(hid_t obj, const char *name, double *out)
{
  if (H5Aexists(obj, name) <= 0)
    return false;
  hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  if (attr < 0)
    return false;
  hid_t type = H5Aget_type(attr);
  H5T_class_t cls = H5Tget_class(type);
  bool ok = (cls == H5T_FLOAT || cls == H5T_INTEGER) && runfile_attr_is_single(attr) &&
            H5Aread(attr, H5T_NATIVE_DOUBLE, out) >= 0;
  H5Tclose(type);
  H5Aclose(attr);
  return ok;
}

/* Reads one member of a compound dataset with a memory type holding only that member. */
static long read_member(hid_t loc, const char *name, const char *field, hid_t member_type,
                        size_t member_size, void **out)
{
  *out = NULL;
  if (!h5_exists(loc, name))
    return -1;
  hid_t dset = H5Dopen2(loc, name, H5P_DEFAULT);
  if (dset < 0)
    return -1;
  hid_t ftype = H5Dget_type(dset), space = H5Dget_space(dset);
  long n = -1;
  if (H5Tget_class(ftype) == H5T_COMPOUND && H5Tget_member_index(ftype, field) >= 0 &&
      H5Sget_simple_extent_ndims(space) == 1) {
    hsize_t dims[1];
    H5Sget_simple_extent_dims(space, dims, NULL);
    n = (long)dims[0];
    hid_t mem = H5Tcreate(H5T_COMPOUND, member_size);
    H5Tinsert(mem, field, 0, member_type);
    *out = n > 0 ? calloc((size_t)n, member_size + 1) : NULL;
    if (n > 0 && (!*out || H5Dread(dset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0)) {
      free(*out);
      *out = NULL;
      n = -1;
    }
    H5Tclose(mem);
  }
  H5Sclose(space);
  H5Tclose(ftype);
  H5Dclose(dset);
  return n;
}

long runfile_column_double(hid_t loc, const char *name, const char *field, double **out)
{
  void *p;
  long n = read_member(loc, name, field, H5T_NATIVE_DOUBLE, sizeof(double), &p);
  *out = p;
  return n;
}

/* The width of a string member as stored, or 0 when it is not a fixed-length string. */
static size_t string_width(hid_t loc, const char *name, const char *field)
{
  if (!h5_exists(loc, name))
    return 0;
  hid_t dset = H5Dopen2(loc, name, H5P_DEFAULT);
  hid_t ftype = H5Dget_type(dset);
  size_t width = 0;
  int idx = H5Tget_class(ftype) == H5T_COMPOUND ? H5Tget_member_index(ftype, field) : -1;
  if (idx >= 0) {
    hid_t mt = H5Tget_member_type(ftype, (unsigned)idx);
    if (H5Tget_class(mt) == H5T_STRING && !H5Tis_variable_str(mt))
      width = H5Tget_size(mt);
    H5Tclose(mt);
  }
  H5Tclose(ftype);
  H5Dclose(dset);
  return width;
}

long runfile_column_string(hid_t loc, const char *name, const char *field, char ***out)
{
  *out = NULL;
  size_t width = string_width(loc, name, field);
  if (width == 0)
    return -1;
  hid_t st = H5Tcopy(H5T_C_S1);
  H5Tset_size(st, width);
  void *raw;
  long n = read_member(loc, name, field, st, width, &raw);
  H5Tclose(st);
  if (n <= 0)
    return n;
  char **s = calloc((size_t)n, sizeof(char *));
  for (long i = 0; s && i < n; i++) {
    s[i] = strndup((char *)raw + (size_t)i * width, width);
    if (!s[i]) {
      runfile_strings_free(s, (size_t)i);
      s = NULL;
    }
  }
  free(raw);
  *out = s;
  return s ? n : -1;
}

void runfile_strings_free(char **s, size_t n)
{
  for (size_t i = 0; s && i < n; i++)
    free(s[i]);
  free(s);
}

struct names {
  char **v;
  size_t n;
  bool oom;
};

static herr_t collect(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
  (void)g, (void)info;
  struct names *ns = data;
  char **v = realloc(ns->v, (ns->n + 1) * sizeof(char *));
  char *copy = strdup(name);
  if (!v || !copy) {
    free(copy);
    if (v)
      ns->v = v;
    ns->oom = true;
    return -1;
  }
  ns->v = v;
  ns->v[ns->n++] = copy;
  return 0;
}

long runfile_list(hid_t loc, const char *group, char ***names)
{
  *names = NULL;
  if (strcmp(group, ".") != 0 && !h5_exists(loc, group))
    return -1;
  hid_t g = H5Gopen2(loc, group, H5P_DEFAULT);
  if (g < 0)
    return -1;
  struct names ns = {0};
  /* creation order when the file tracks it (results.c's do), else name order */
  if (H5Literate(g, H5_INDEX_CRT_ORDER, H5_ITER_INC, NULL, collect, &ns) < 0 && !ns.oom) {
    runfile_strings_free(ns.v, ns.n);
    ns = (struct names){0};
    H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, collect, &ns);
  }
  H5Gclose(g);
  if (ns.oom) {
    runfile_strings_free(ns.v, ns.n);
    return -1;
  }
  *names = ns.v;
  return (long)ns.n;
}

static herr_t collect_attr(hid_t obj, const char *name, const H5A_info_t *info, void *data)
{
  (void)info;
  return collect(obj, name, NULL, data);
}

long runfile_attr_names(hid_t obj, char ***names)
{
  struct names ns = {0};
  *names = NULL;
  if (H5Aiterate2(obj, H5_INDEX_CRT_ORDER, H5_ITER_INC, NULL, collect_attr, &ns) < 0 && !ns.oom) {
    runfile_strings_free(ns.v, ns.n);
    ns = (struct names){0};
    H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, NULL, collect_attr, &ns);
  }
  if (ns.oom) {
    runfile_strings_free(ns.v, ns.n);
    return -1;
  }
  *names = ns.v;
  return (long)ns.n;
}

/* An N x 2 series, as run files before their series were (time, value) tables. */
static long read_series_pairs(hid_t dset, hid_t space, double **time, double **value)
{
  hsize_t dims[2] = {0, 0};
  if (H5Sget_simple_extent_ndims(space) != 2 || H5Sget_simple_extent_dims(space, dims, NULL) < 0 ||
      dims[1] != 2)
    return -1;
  long n = (long)dims[0];
  double *buf = n ? malloc(2 * (size_t)n * sizeof(double)) : NULL;
  *time = n ? malloc((size_t)n * sizeof(double)) : NULL;
  *value = n ? malloc((size_t)n * sizeof(double)) : NULL;
  if (n && (!buf || !*time || !*value ||
            H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)) {
    free(*time), free(*value), free(buf);
    *time = *value = NULL;
    return -1;
  }
  for (long i = 0; i < n; i++)
    (*time)[i] = buf[2 * i], (*value)[i] = buf[2 * i + 1];
  free(buf);
  return n;
}

long runfile_series(hid_t file, const char *name, double **time, double **value)
{
  *time = *value = NULL;
  char path[512];
  snprintf(path, sizeof(path), H5_GROUP_TIMESERIES "/%s", name);
  if (!h5_exists(file, H5_GROUP_TIMESERIES) || !h5_exists(file, path))
    return -1;
  hid_t dset = H5Dopen2(file, path, H5P_DEFAULT);
  hid_t type = H5Dget_type(dset), space = H5Dget_space(dset);
  bool table = H5Tget_class(type) == H5T_COMPOUND;
  H5Tclose(type);
  long n = table ? -1 : read_series_pairs(dset, space, time, value);
  H5Sclose(space);
  H5Dclose(dset);
  if (!table)
    return n;
  n = runfile_column_double(file, path, "time", time);
  if (n >= 0 && runfile_column_double(file, path, "value", value) != n) {
    free(*time), free(*value);
    *time = *value = NULL;
    n = -1;
  }
  return n;
}

long runfile_summary(hid_t file, char ***names, double **values, char ***units)
{
  *names = NULL;
  *values = NULL;
  if (units)
    *units = NULL;
  if (!h5_exists(file, H5_GROUP_SUMMARY))
    return -1;
  hid_t group = H5Gopen2(file, H5_GROUP_SUMMARY, H5P_DEFAULT);
  if (group < 0)
    return -1;
  char **all = NULL;
  long n_all = runfile_attr_names(group, &all), n = 0;
  char **kept = calloc(n_all > 0 ? (size_t)n_all : 1, sizeof(char *));
  char **kept_units = calloc(n_all > 0 ? (size_t)n_all : 1, sizeof(char *));
  double *v = calloc(n_all > 0 ? (size_t)n_all : 1, sizeof(double));
  if (n_all < 0 || !kept || !kept_units || !v)
    goto fail;
  for (long i = 0; i < n_all; i++) {
    size_t len = strlen(all[i]);
    if (len > 5 && strcmp(all[i] + len - 5, ".unit") == 0)
      continue;
    if (!runfile_attr_double(group, all[i], &v[n]))
      continue;
    char unit_name[1024];
    snprintf(unit_name, sizeof(unit_name), "%s.unit", all[i]);
    char *unit = runfile_attr_string(group, unit_name);
    kept_units[n] = unit ? unit : strdup("");
    kept[n] = all[i];
    all[i] = NULL;
    if (!kept_units[n++])
      goto fail;
  }
  runfile_strings_free(all, (size_t)n_all);
  H5Gclose(group);
  *names = kept;
  *values = v;
  if (units)
    *units = kept_units;
  else
    runfile_strings_free(kept_units, (size_t)n);
  return n;
fail:
  if (n_all > 0)
    runfile_strings_free(all, (size_t)n_all);
  runfile_strings_free(kept, (size_t)n);
  runfile_strings_free(kept_units, (size_t)n);
  free(v);
  H5Gclose(group);
  return -1;
}

char *runfile_meta_string(hid_t file, const char *name)
{
  hid_t g = h5_exists(file, H5_GROUP_META) ? H5Gopen2(file, H5_GROUP_META, H5P_DEFAULT) : -1;
  char *s = g >= 0 ? runfile_attr_string(g, name) : NULL;
  if (g >= 0)
    H5Gclose(g);
  return s ? s : strdup("");
}

double runfile_meta_double(hid_t file, const char *name)
{
  double v = NAN;
  hid_t g = h5_exists(file, H5_GROUP_META) ? H5Gopen2(file, H5_GROUP_META, H5P_DEFAULT) : -1;
  if (g >= 0 && !runfile_attr_double(g, name, &v))
    v = NAN;
  if (g >= 0)
    H5Gclose(g);
  return v;
}
