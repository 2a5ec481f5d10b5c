/* test_profile.c: calibration profiles: shipped files load, write/read round trip, bad input
 * refused with file:line:col, lookup, and the compute-time formula. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/device/profile.h"

static const char *const shipped[] = {
  "gpu/profiles/h100-sxm.yaml", "gpu/profiles/h200.yaml",     "gpu/profiles/a100-80gb.yaml",
  "gpu/profiles/rtx-4090.yaml", "gpu/profiles/rtx-3090.yaml", "gpu/profiles/l40s.yaml",
  "gpu/profiles/v100.yaml",     "gpu/profiles/cpu-amd-epyc.yaml",
};

/* Writes text to a fresh temporary file; returns its path (free it, unlink it). */
static char *write_temp(const char *text)
{
  char *path = strdup("/tmp/depinsim_profile_XXXXXX.yaml");
  int fd = mkstemps(path, 5);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fputs(text, f);
  fclose(f);
  return path;
}

/* Loads one YAML text; returns the set (NULL on refusal) and leaves diagnostics in *diag. */
static profile_set_t *load_text(const char *text, diag_t **diag, char **path)
{
  *path = write_temp(text);
  *diag = diag_new();
  const char *paths[] = {*path};
  return profile_set_load(paths, 1, *diag);
}

static void test_profile_shipped_load(void **state)
{
  (void)state;
  diag_t *diag = diag_new();
  profile_set_t *set = profile_set_load(shipped, sizeof shipped / sizeof shipped[0], diag);
  diag_print(diag, stdout);
  assert_non_null(set);
  assert_int_equal(profile_set_count(set), 8);
  const struct device_profile *cpu = profile_set_find(set, "cpu-amd-epyc");
  assert_non_null(cpu);
  assert_true(cpu->measured);
  assert_true(cpu->spread[PROFILE_GEMM_FP32].reps > 0);
  assert_true(cpu->sig_verify_per_s > 0 && cpu->rs_encode_Bps > 0);
  const char *names[] = {"H100-SXM", "H200", "A100-80GB", "RTX-4090", "RTX-3090", "L40S", "V100"};
  for (size_t i = 0; i < 7; i++) {
    const struct device_profile *d = profile_set_find(set, names[i]);
    assert_non_null(d);
    assert_true(d->measured == (strcmp(names[i], "H200") == 0)); /* measured on a lent H200 */
    for (int r = 0; r < PROFILE_RATE_COUNT; r++)
      if (r == PROFILE_MEMORY || r == PROFILE_GEMM_FP32 || r >= PROFILE_MEM_BW)
        assert_true(profile_rate_get(d, (enum profile_rate)r) > 0);
  }
  const struct device_profile *h100 = profile_set_find(set, "h100-sxm"); /* case-insensitive */
  assert_non_null(h100);
  assert_float_equal(h100->gemm_flops[PREC_BF16], 989.4e12, 1e6);
  assert_float_equal(h100->mem_bw_Bps, 3.35e12, 1e3);
  assert_float_equal(h100->memory_bytes, 80e9, 1);
  /* V100 has no bf16: it falls back to fp16 */
  assert_float_equal(profile_gemm_rate(profile_set_find(set, "V100"), PREC_BF16), 125e12, 1e6);
  profile_set_free(set);
  /* the datasheet a measured profile replaced stays loadable: calibrate compares against it */
  const char *datasheet[] = {"gpu/profiles/datasheet/h200.yaml"};
  set = profile_set_load(datasheet, 1, diag);
  assert_non_null(set);
  assert_false(profile_set_find(set, "H200")->measured);
  profile_set_free(set);
  diag_free(diag);
}

static void test_profile_write_read_round_trip(void **state)
{
  (void)state;
  struct device_profile d = {0};
  d.name = strdup("cpu-test \"quoted\"");
  d.measured = true;
  d.origin = strdup("depinsim calibrate --device cpu -o x.yaml");
  d.date = strdup("2026-11-23");
  d.driver = strdup("libsodium 1.0.18");
  for (int r = 0; r < PROFILE_RATE_COUNT; r++) {
    double v = 1.2345678e9 * (r + 1);
    *profile_rate_slot(&d, (enum profile_rate)r) = v;
    d.spread[r] = (struct profile_spread){v * 0.9, v * 1.1, 7 + r};
  }
  d.rs_k = 170;
  d.rs_m = 85;
  d.note[PROFILE_DA_ENCODE] = strdup("scaled: 0G's rate x ratio");
  char *path = strdup("/tmp/depinsim_rt_XXXXXX.yaml");
  int fd = mkstemps(path, 5);
  FILE *f = fdopen(fd, "w");
  assert_int_equal(profile_write(&d, f), DEPIN_OK);
  fclose(f);
  diag_t *diag = diag_new();
  const char *paths[] = {path};
  profile_set_t *set = profile_set_load(paths, 1, diag);
  diag_print(diag, stdout);
  assert_non_null(set);
  const struct device_profile *e = profile_set_find(set, d.name);
  assert_non_null(e);
  assert_true(e->measured);
  assert_string_equal(e->origin, d.origin);
  assert_string_equal(e->driver, d.driver);
  assert_string_equal(e->note[PROFILE_DA_ENCODE], d.note[PROFILE_DA_ENCODE]);
  assert_int_equal(e->rs_k, 170);
  assert_int_equal(e->rs_m, 85);
  for (int r = 0; r < PROFILE_RATE_COUNT; r++) {
    double v = profile_rate_get(&d, (enum profile_rate)r);
    assert_true(fabs(profile_rate_get(e, (enum profile_rate)r) - v) <= 1e-8 * v);
    assert_true(fabs(e->spread[r].min - d.spread[r].min) <= 1e-8 * v);
    assert_true(fabs(e->spread[r].max - d.spread[r].max) <= 1e-8 * v);
    assert_int_equal(e->spread[r].reps, d.spread[r].reps);
  }
  profile_set_free(set);
  diag_free(diag);
  unlink(path);
  free(path);
  device_profile_fini(&d);
  device_profile_fini(NULL);
}

#define GOOD_HEAD "devices:\n  - name: X\n    source: measured\n    origin: test\n" \
                  "    date: \"2026-11-23\"\n    memory: {value: 1, unit: GiB}\n"
#define GOOD_TAIL "    mem_bw: {value: 10, unit: GB/s}\n    h2d: {value: 10, unit: GB/s}\n" \
                  "    d2h: {value: 10, unit: GB/s}\n    rs_encode: {value: 1, unit: GB/s}\n" \
                  "    da_encode: {value: 1, unit: MB/s}\n    sig_verify: {value: 9, unit: 1/s}\n"

static void test_profile_malformed_refused_with_position(void **state)
{
  (void)state;
  diag_t *diag;
  char *path;
  /* line 7: a bad unit; line 8: an unknown precision; line 9: a negative number */
  profile_set_t *set = load_text(GOOD_HEAD "    gemm:\n      fp32: {value: 5, unit: TB/s}\n"
                                           "      fp64: {value: 5, unit: TFLOP/s}\n"
                                           "      fp16: {value: -3, unit: TFLOP/s}\n" GOOD_TAIL,
                                 &diag, &path);
  diag_print(diag, stdout);
  assert_null(set);
  char want[512];
  /* the scenario reader's form: file:line:col: key.path: what is wrong (allowed: ...) */
  snprintf(want, sizeof want, "%s:8:30: devices[0].gemm.fp32.unit: 'TB/s' is not a unit of "
           "FLOP/s (allowed: FLOP/s GFLOP/s TFLOP/s PFLOP/s)", path);
  assert_true(diag_contains(diag, want));
  snprintf(want, sizeof want, "%s:9:7: devices[0].gemm.fp64: unknown key 'fp64' (did you mean "
           "'fp32'?)", path);
  assert_true(diag_contains(diag, want));
  snprintf(want, sizeof want, "%s:10:21: devices[0].gemm.fp16.value: '-3' is out of range "
           "(allowed: >= 0)", path);
  assert_true(diag_contains(diag, want));
  assert_int_equal(diag_error_count(diag), 3);
  unlink(path);
  free(path);
  diag_free(diag);
}

static void test_profile_missing_keys_and_syntax(void **state)
{
  (void)state;
  diag_t *diag;
  char *path;
  profile_set_t *set = load_text("devices:\n  - name: Y\n    source: guessed\n    bogus: 1\n",
                                 &diag, &path);
  diag_print(diag, stdout);
  assert_null(set);
  char want[512];
  snprintf(want, sizeof want, "%s:3:13: devices[0].source: unknown value 'guessed' (allowed: "
           "datasheet, measured)", path);
  assert_true(diag_contains(diag, want));
  snprintf(want, sizeof want, "%s:4:5: devices[0].bogus: unknown key 'bogus'", path);
  assert_true(diag_contains(diag, want));
  snprintf(want, sizeof want, "%s:2:5: devices[0].sig_verify: missing required key", path);
  assert_true(diag_contains(diag, want));
  snprintf(want, sizeof want, "%s:2:5: devices[0].gemm: missing required key", path);
  assert_true(diag_contains(diag, want));
  unlink(path);
  free(path);
  diag_free(diag);

  set = load_text("format: 2\ndevices: []\n", &diag, &path);
  assert_null(set);
  snprintf(want, sizeof want, "%s:1:9: format: format 2 is not one this depinsim reads "
           "(allowed: 1)", path);
  assert_true(diag_contains(diag, want));
  unlink(path);
  free(path);
  diag_free(diag);

  set = load_text("devices:\n  - name: [unclosed\n", &diag, &path);
  diag_print(diag, stdout);
  assert_null(set);
  assert_int_equal(diag_error_count(diag), 1);
  snprintf(want, sizeof want, "%s:3:1: YAML syntax error: flow sequence without a closing "
           "bracket", path);
  assert_true(diag_contains(diag, want));
  unlink(path);
  free(path);
  diag_free(diag);

  set = load_text("devices:\n  - name: x\n    name: y\n", &diag, &path);
  assert_null(set);
  snprintf(want, sizeof want, "%s:3:5: YAML syntax error: duplicate key", path);
  assert_true(diag_contains(diag, want));
  unlink(path);
  free(path);
  diag_free(diag);

  diag = diag_new();
  const char *missing[] = {"/nonexistent/profile.yaml"};
  assert_null(profile_set_load(missing, 1, diag));
  assert_true(diag_contains(diag, "/nonexistent/profile.yaml: cannot read the file (No such "
                                  "file or directory)"));
  diag_free(diag);
}

static void test_profile_unknown_device_and_names(void **state)
{
  (void)state;
  diag_t *diag = diag_new();
  profile_set_t *set = profile_set_load(shipped, 2, diag);
  assert_non_null(set);
  assert_null(profile_set_find(set, "RTX-5090"));
  char *names = profile_set_names(set);
  assert_string_equal(names, "H100-SXM, H200");
  free(names);
  assert_null(profile_set_at(set, 2));
  assert_string_equal(profile_set_at(set, 1)->name, "H200");
  profile_set_free(set);
  /* the same device twice: the later entry stays, with a warning, not an error */
  const char *twice[] = {shipped[0], shipped[0]};
  set = profile_set_load(twice, 2, diag);
  assert_non_null(set);
  assert_int_equal(profile_set_count(set), 1);
  assert_true(diag_contains(diag, "H100-SXM: warning: device given twice"));
  assert_int_equal(diag_error_count(diag), 0);
  profile_set_free(set);
  profile_set_free(NULL);
  diag_free(diag);
}

static void test_profile_compute_seconds_formula(void **state)
{
  (void)state;
  struct device_profile d = {0};
  d.gemm_flops[PREC_FP32] = 50e12;
  d.gemm_flops[PREC_BF16] = 800e12;
  /* F / (g x rate x eff): 6 x 7e9 params x 1e6 tokens on 8 GPUs at 40% */
  double flops = 6.0 * 7e9 * 1e6;
  assert_float_equal(profile_compute_seconds(&d, PREC_BF16, flops, 8, 0.4),
                      flops / (8 * 800e12 * 0.4), 1e-9);
  /* no fp16 or tf32 figure: fp16 falls back to fp32 */
  assert_float_equal(profile_compute_seconds(&d, PREC_FP16, flops, 2, 0.5),
                      flops / (2 * 50e12 * 0.5), 1e-9);
  assert_true(isinf(profile_compute_seconds(&d, PREC_BF16, flops, 0, 0.4)));
  struct device_profile none = {0};
  assert_true(isinf(profile_compute_seconds(&none, PREC_FP32, flops, 1, 0.4)));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_profile_shipped_load),
    cmocka_unit_test(test_profile_write_read_round_trip),
    cmocka_unit_test(test_profile_malformed_refused_with_position),
    cmocka_unit_test(test_profile_missing_keys_and_syntax),
    cmocka_unit_test(test_profile_unknown_device_and_names),
    cmocka_unit_test(test_profile_compute_seconds_formula),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
