/* test_calibrate.c: a quick CPU calibration writes a readable, plausible profile; GEMM against
 * float64; the CUDA kernel against ISA-L byte for byte (skipped, saying why, without a GPU). */
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
#include "gpu/rs.h"
#ifdef DEPINSIM_HAVE_CUDA
#include "gpu/cuda_calibrate.h"
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

static void test_calibrate_cuda_matches_isal(void **state)
{
  (void)state;
#ifndef DEPINSIM_HAVE_CUDA
  printf("SKIPPED: CUDA-vs-ISA-L identity: this build has no CUDA (DEPINSIM_CUDA=OFF or no "
         "nvcc)\n");
  skip();
#else
  char why[256] = "";
  cuda_bench_t *b = cuda_bench_new(why, sizeof why);
  if (!b) {
    printf("SKIPPED: CUDA-vs-ISA-L identity: no GPU: %s\n", why);
    skip();
    return;
  }
  static const int geometries[][2] = {{1, 1}, {10, 4}, {17, 3}, {32, 32}, {170, 85}, {127, 128}};
  diag_t *diag = diag_new();
  for (size_t g = 0; g < sizeof geometries / sizeof geometries[0]; g++) {
    int k = geometries[g][0], m = geometries[g][1];
    size_t len = 4096 * 3 + 4 * g + 1; /* also a ragged tail */
    rs_code_t *c = rs_code_new(k, m);
    unsigned char *block = malloc((size_t)(k + 2 * m) * len), *ptr[2 * RS_MAX_SLICES];
    for (int i = 0; i < k + 2 * m; i++)
      ptr[i] = block + (size_t)i * len;
    cpu_random_nonzero_bytes(block, (size_t)k * len);
    rs_encode(c, len, ptr, ptr + k);
    memset(ptr[k + m], 0x11, (size_t)m * len);
    assert_int_equal(cuda_bench_rs_encode_once(b, rs_code_parity_rows(c), k, m, len, ptr,
                                               ptr + k + m, diag), DEPIN_OK);
    printf("k=%d m=%d len=%zu: CUDA parity %s ISA-L's\n", k, m, len,
           memcmp(ptr[k], ptr[k + m], (size_t)m * len) ? "DIFFERS from" : "identical to");
    assert_memory_equal(ptr[k], ptr[k + m], (size_t)m * len);
    free(block);
    rs_code_free(c);
  }
  diag_print(diag, stdout);
  diag_free(diag);
  cuda_bench_free(b);
#endif
}

static void test_calibrate_cuda_quick(void **state)
{
  (void)state;
#ifndef DEPINSIM_HAVE_CUDA
  printf("SKIPPED: quick CUDA calibration: this build has no CUDA\n");
  skip();
#else
  char why[256] = "";
  cuda_bench_t *b = cuda_bench_new(why, sizeof why);
  if (!b) {
    printf("SKIPPED: quick CUDA calibration: no GPU: %s\n", why);
    skip();
    return;
  }
  cuda_bench_free(b);
  diag_t *diag = diag_new();
  struct device_profile d;
  struct calibrate_opts opts = {.device = CALIBRATE_CUDA, .quick = true};
  enum depin_status st = calibrate_measure(&opts, stdout, &d, diag);
  diag_print(diag, stdout);
  assert_int_equal(st, DEPIN_OK);
  for (int p = 0; p < PREC_COUNT; p++)
    assert_true(d.gemm_flops[p] > 1e11);
  assert_true(d.mem_bw_Bps > 1e10 && d.h2d_Bps > 1e8 && d.d2h_Bps > 1e8);
  assert_true(d.rs_encode_Bps > 1e8);
  device_profile_fini(&d);
  diag_free(diag);
#endif
}

int main(void)
{
  if (sodium_init() < 0)
    return 1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_calibrate_quick_cpu_profile),
    cmocka_unit_test(test_calibrate_gemm_against_float64),
    cmocka_unit_test(test_calibrate_da_scaling),
    cmocka_unit_test(test_calibrate_cuda_matches_isal),
    cmocka_unit_test(test_calibrate_cuda_quick),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
