/* test_calibrate.c: a quick CPU calibration writes a readable, plausible profile; GEMM against
 * float64. The GPU cases are in test_cuda.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gpu/calibrate.h"
#include "gpu/cpu_kernels.h"
#include "sim/erasure/rs.h"
#ifdef DEPINSIM_HAVE_CUDA
#include "gpu/cublas_loader.h"
#endif

static void test_calibrate_quick_cpu_profile(void **state)
{
  (void)state;
  char path[] = "/tmp/depinsim_cal_XXXXXX.yaml";
  int fd = mkstemps(path, 5);
  assert_true(fd >= 0);
  close(fd);
  diag_t *diag = diag_new();
  struct calibrate_opts opts = {.device = CALIBRATE_CPU, .output = path, .quick = true};
  enum depin_status st = calibrate_run(&opts, stdout, diag);
  diag_print(diag, stdout);
  assert_int_equal(st, DEPIN_OK);
  const char *paths[] = {path};
  profile_set_t *set = profile_set_load(paths, 1, diag);
  diag_print(diag, stdout);
  assert_non_null(set);
  assert_int_equal(profile_set_count(set), 1);
  const struct device_profile *d = profile_set_at(set, 0);
  assert_true(d->measured);
  assert_true(strncmp(d->name, "cpu-", 4) == 0);
  assert_string_equal(d->origin, "depinsim calibrate --device cpu --quick");
  /* plausible for any machine this runs on: between a phone and a supercomputer node */
  assert_true(d->gemm_flops[PREC_FP32] > 1e8 && d->gemm_flops[PREC_FP32] < 1e14);
  assert_true(d->mem_bw_Bps > 1e8 && d->mem_bw_Bps < 1e13);
  assert_true(d->rs_encode_Bps > 1e5 && d->rs_encode_Bps < 1e12);
  assert_true(d->sig_verify_per_s > 100 && d->sig_verify_per_s < 1e7);
  assert_true(d->memory_bytes > 1e8);
  assert_int_equal(d->rs_k, 170);
  assert_int_equal(d->rs_m, 85);
  assert_int_equal(d->spread[PROFILE_GEMM_FP32].reps, 3);
  assert_true(d->spread[PROFILE_MEM_BW].min <= d->mem_bw_Bps);
  assert_true(d->spread[PROFILE_MEM_BW].max >= d->mem_bw_Bps);
  assert_float_equal(d->da_encode_Bps, calibrate_da_encode_Bps(d->gemm_flops[PREC_FP32], false),
                     1e-6 * d->da_encode_Bps);
  profile_set_free(set);
  diag_free(diag);
  unlink(path);
}

/* Without -o the profile follows the report on the same stream, and the whole is a profile:
 * every report line is a YAML comment. */
static void test_calibrate_report_is_a_profile(void **state)
{
  (void)state;
  char path[] = "/tmp/depinsim_rep_XXXXXX.yaml";
  int fd = mkstemps(path, 5);
  FILE *report = fdopen(fd, "w");
  diag_t *diag = diag_new();
  struct calibrate_opts opts = {.device = CALIBRATE_CPU, .quick = true, .command = "x -q"};
  assert_int_equal(calibrate_run(&opts, report, diag), DEPIN_OK);
  fclose(report);
  const char *paths[] = {path};
  profile_set_t *set = profile_set_load(paths, 1, diag);
  diag_print(diag, stdout);
  assert_non_null(set);
  assert_string_equal(profile_set_at(set, 0)->origin, "x -q");
  assert_true(profile_set_at(set, 0)->rs_encode_Bps > 0);
  profile_set_free(set);
  diag_free(diag);
  unlink(path);
}

static void test_calibrate_gemm_against_float64(void **state)
{
  (void)state;
  double err = cpu_gemm_fp32_error(97, 131, 1024, 200);
  printf("sgemm 97x131x1024: worst relative error %.3g against float64\n", err);
  assert_true(err >= 0 && err < 1e-5);
  /* a small product too: the tolerance is not only met by long sums averaging out */
  assert_true(cpu_gemm_fp32_error(64, 64, 64, 64) < 1e-5);
}

static void test_calibrate_da_scaling(void **state)
{
  (void)state;
  /* the anchors: an RTX 4090's FP32 gives 0G's geometric-mean GPU rate, sqrt(2 x 5) GB/s */
  assert_float_equal(calibrate_da_encode_Bps(82.6e12, true), sqrt(10.0) * 1e9, 1e3);
  assert_float_equal(calibrate_da_encode_Bps(1.024e12, false), sqrt(5.0) * 1e8, 1e2);
  enum calibrate_device dev;
  assert_int_equal(calibrate_device_parse("cuda", &dev), DEPIN_OK);
  assert_int_equal(dev, CALIBRATE_CUDA);
  assert_int_equal(calibrate_device_parse("cpu", &dev), DEPIN_OK);
  assert_int_equal(dev, CALIBRATE_CPU);
  assert_int_equal(calibrate_device_parse("tpu", &dev), DEPIN_EINVAL);
}

#ifdef DEPINSIM_HAVE_CUDA
/* cuBLAS is not linked but opened at calibration time: every function it needs resolves. Needs
 * the toolkit's libraries, not a GPU. */
static void test_calibrate_cublas_loads_without_linking(void **state)
{
  (void)state;
  struct cublas_api api;
  char why[256] = "";
  int rc = cublas_api_load(&api, why, sizeof(why));
  if (rc != 0)
    print_message("cublas_api_load: %s\n", why);
  assert_int_equal(rc, 0);
  assert_non_null(api.gemm_ex);
  /* a real call into the library: the status text of an error differs from success's */
  assert_string_not_equal(api.status_string(CUBLAS_STATUS_SUCCESS),
                          api.status_string(CUBLAS_STATUS_NOT_INITIALIZED));
  cublas_api_unload(&api);
  assert_null(api.library);
}
#endif

int main(void)
{
  if (sodium_init() < 0)
    return 1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_calibrate_quick_cpu_profile),
    cmocka_unit_test(test_calibrate_report_is_a_profile),
    cmocka_unit_test(test_calibrate_gemm_against_float64),
    cmocka_unit_test(test_calibrate_da_scaling),
#ifdef DEPINSIM_HAVE_CUDA
    cmocka_unit_test(test_calibrate_cublas_loads_without_linking),
#endif
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
