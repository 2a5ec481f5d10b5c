/* fuzz_runfile.c: libFuzzer harness for the run-file and sweep-file readers (inspect, the
 * summary that check compares, columns and series that plot and sweeps read).
 *
 * Structure-aware: the input is a program that builds an HDF5 file through the HDF5 API
 * (groups, attributes and datasets with the names depinsim reads, or any name; numeric or
 * string types, ranks 0 to 3, any sizes and bytes), which the readers then read. What is fuzzed
 * is depinsim's reading of well-formed HDF5 holding anything; HDF5's own parsing of corrupt
 * files is the library's, and out of scope (docs/security.md). Seeds: tests/fuzz/smoke.sh. */
#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/inspect.h"
#include "sim/results/h5.h"
#include "sim/results/runfile.h"

/* Names the readers look for, so that the fuzzer reaches them. */
static const char *const names[] = {
  "meta", "summary", "timeseries", "distributions", "points", "providers", "blocks", "targets",
  "bounds", "scenario_name", "seed", "duration_s", "tps", "tps.unit", "unit", "parameters",
  "pass", "x", "x.unit", "run_file", "error", "time", "value", "commit_latency"};
#define N_NAMES (sizeof(names) / sizeof(names[0]))
#define MAX_ELEMENTS 4096

struct input {
  const uint8_t *p;
  size_t n;
};

static unsigned take(struct input *in)
{
  if (in->n == 0)
    return 0;
  in->n--;
  return *in->p++;
}

/* A name from the list, or (one time in eight) up to 15 bytes of input. */
static void take_name(struct input *in, char *buf)
{
  unsigned b = take(in);
  if (b % 8 != 7) {
    strcpy(buf, names[(b / 8) % N_NAMES]);
    return;
  }
  size_t len = 1 + take(in) % 15;
  for (size_t i = 0; i < len; i++) {
    unsigned c = take(in);
    buf[i] = (char)(c == 0 || c == '/' || c == '.' ? 'a' + c % 26 : c);
  }
  buf[len] = '\0';
}

/* A type: double, int64, uint64, a fixed string of 1..64 bytes, or a compound of two. */
static hid_t take_type(struct input *in, int depth)
{
  switch (take(in) % (depth ? 4 : 5)) {
  case 0: return H5Tcopy(H5T_NATIVE_DOUBLE);
  case 1: return H5Tcopy(H5T_NATIVE_INT64);
  case 2: return H5Tcopy(H5T_NATIVE_UINT64);
  case 3: {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, 1 + take(in) % 64);
    return t;
  }
  default: {
    hid_t a = take_type(in, 1), b = take_type(in, 1);
    size_t sa = H5Tget_size(a), sb = H5Tget_size(b);
    hid_t t = H5Tcreate(H5T_COMPOUND, sa + sb);
    char na[24], nb[24];
    take_name(in, na);
    take_name(in, nb);
    H5Tinsert(t, na, 0, a);
    if (strcmp(na, nb) != 0)
      H5Tinsert(t, nb, sa, b);
    H5Tclose(a), H5Tclose(b);
    return t;
  }
  }
}

/* A dataspace of rank 0 to 3 with at most MAX_ELEMENTS elements. */
static hid_t take_space(struct input *in, size_t *elements)
{
  int rank = (int)(take(in) % 4);
  hsize_t dims[3] = {1, 1, 1};
  *elements = 1;
  for (int i = 0; i < rank; i++) {
    dims[i] = 1 + take(in) % 16;
    *elements *= dims[i];
  }
  return rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
}

/* The element bytes, from the input (zeros when it runs out). */
static void *take_data(struct input *in, size_t bytes)
{
  uint8_t *buf = calloc(bytes ? bytes : 1, 1);
  for (size_t i = 0; buf && i < bytes && in->n > 0; i++)
    buf[i] = (uint8_t)take(in);
  return buf;
}

static void add_attribute(struct input *in, hid_t obj)
{
  char name[24];
  take_name(in, name);
  size_t elements;
  hid_t type = take_type(in, 0), space = take_space(in, &elements);
  if (H5Aexists(obj, name) <= 0 && elements * H5Tget_size(type) <= MAX_ELEMENTS * 16) {
    hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    void *data = take_data(in, elements * H5Tget_size(type));
    if (a >= 0 && data)
      H5Awrite(a, type, data);
    free(data);
    if (a >= 0)
      H5Aclose(a);
  }
  H5Sclose(space), H5Tclose(type);
}

static hid_t add_dataset(struct input *in, hid_t loc)
{
  char name[24];
  take_name(in, name);
  size_t elements;
  hid_t type = take_type(in, 0), space = take_space(in, &elements), d = -1;
  if (H5Lexists(loc, name, H5P_DEFAULT) <= 0 && elements * H5Tget_size(type) <= MAX_ELEMENTS * 16)
    d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (d >= 0) {
    void *data = take_data(in, elements * H5Tget_size(type));
    if (data)
      H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    free(data);
  }
  H5Sclose(space), H5Tclose(type);
  return d;
}

/* Runs the input's program: up to 64 steps of group, attribute or dataset creation. */
static void build(struct input *in, hid_t file)
{
  hid_t current = file, group = -1, dataset = -1;
  for (int step = 0; step < 64 && in->n > 0; step++) {
    switch (take(in) % 4) {
    case 0: {
      char name[24];
      take_name(in, name);
      if (H5Lexists(file, name, H5P_DEFAULT) > 0)
        break;
      if (group >= 0)
        H5Gclose(group);
      group = H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      current = group >= 0 ? group : file;
      break;
    }
    case 1: add_attribute(in, current); break;
    case 2: add_attribute(in, dataset >= 0 ? dataset : current); break;
    default:
      if (dataset >= 0)
        H5Dclose(dataset);
      dataset = add_dataset(in, current);
    }
  }
  if (dataset >= 0)
    H5Dclose(dataset);
  if (group >= 0)
    H5Gclose(group);
}

/* Every reader over the file. */
static void read_back(const char *path)
{
  FILE *sink = fopen("/dev/null", "w");
  diag_t *diag = diag_new();
  inspect_print(path, sink, diag);
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file >= 0) {
    char **n = NULL, **units = NULL, **strings = NULL;
    double *v = NULL, *t = NULL, *x = NULL;
    long k = runfile_summary(file, &n, &v, &units);
    if (k >= 0)
      runfile_strings_free(n, (size_t)k), runfile_strings_free(units, (size_t)k);
    free(v);
    for (size_t i = 0; i < N_NAMES; i++) {
      k = runfile_column_double(file, H5_DATASET_POINTS, names[i], &v);
      free(v);
      k = runfile_column_string(file, H5_DATASET_POINTS, names[i], &strings);
      if (k > 0)
        runfile_strings_free(strings, (size_t)k);
      k = runfile_series(file, names[i], &t, &x);
      free(t), free(x);
    }
    H5Fclose(file);
  }
  diag_free(diag);
  fclose(sink);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static char path[64];
  if (!path[0]) {
    snprintf(path, sizeof(path), "/tmp/depinsim-fuzz-%ld.h5", (long)getpid());
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* HDF5 refusing a call is part of the game */
  }
  struct input in = {data, size};
  hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0)
    return 0;
  build(&in, file);
  H5Fclose(file);
  read_back(path);
  unlink(path);
  return 0;
}
