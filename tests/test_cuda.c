/* test_cuda.c: the CUDA path on a GPU: our RS kernel's parity byte-identical to ISA-L's for
 * the same matrix, and a quick CUDA calibration with plausible rates. Without a GPU (or a
 * CUDA build) each case prints why and is reported as skipped, never passed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu/calibrate.h"
#include "gpu/cpu_kernels.h"
#include "sim/erasure/rs.h"
#ifdef DEPINSIM_HAVE_CUDA
#include "gpu/cuda_calibrate.h"
#endif

static void test_cuda_rs_matches_isal(void **state)
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

static void test_cuda_quick_calibration(void **state)
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
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_cuda_rs_matches_isal),
    cmocka_unit_test(test_cuda_quick_calibration),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
