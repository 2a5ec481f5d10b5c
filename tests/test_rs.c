/* test_rs.c: GF(2^8) Reed-Solomon: field tables agree with ISA-L, encode/decode round trips
 * from any k of k + m slices on random data and random erasures, bad geometries refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <isa-l/erasure_code.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "gpu/cpu_kernels.h"
#include "sim/erasure/gf256.h"
#include "sim/erasure/rs.h"
#include "sim/erasure/rs_word.h"

static void test_rs_field_matches_isal(void **state)
{
  (void)state;
  struct gf256_tables t;
  gf256_tables_init(&t);
  for (int a = 0; a < 256; a++)
    for (int b = 0; b < 256; b++)
      assert_int_equal(gf256_mul(&t, (uint8_t)a, (uint8_t)b), gf_mul((unsigned char)a,
                                                                      (unsigned char)b));
}

/* Encodes random data, erases `lose` random slices, decodes, and compares with the original. */
static void round_trip(int k, int m, size_t len, int lose)
{
  rs_code_t *c = rs_code_new(k, m);
  assert_non_null(c);
  int n = k + m;
  unsigned char *orig = malloc((size_t)n * len), *work = malloc((size_t)n * len);
  unsigned char *ptr[RS_MAX_SLICES], *optr[RS_MAX_SLICES];
  bool present[RS_MAX_SLICES];
  for (int i = 0; i < n; i++) {
    optr[i] = orig + (size_t)i * len;
    ptr[i] = work + (size_t)i * len;
    present[i] = true;
  }
  cpu_random_nonzero_bytes(orig, (size_t)k * len);
  rs_encode(c, len, optr, optr + k);
  /* ISA-L and the scalar reference agree on the parity */
  memcpy(work, orig, (size_t)n * len);
  rs_encode_reference(c, len, ptr, ptr + k);
  assert_memory_equal(work, orig, (size_t)n * len);
  for (int e = 0; e < lose;) {
    int i = (int)randombytes_uniform((uint32_t)n);
    if (present[i]) {
      present[i] = false;
      memset(ptr[i], 0xee, len);
      e++;
    }
  }
  assert_int_equal(rs_decode(c, len, ptr, present), DEPIN_OK);
  assert_memory_equal(work, orig, (size_t)n * len);
  free(orig);
  free(work);
  rs_code_free(c);
}

static void test_rs_round_trip_random_erasures(void **state)
{
  (void)state;
  for (int trial = 0; trial < 20; trial++) {
    int k = 1 + (int)randombytes_uniform(40), m = 1 + (int)randombytes_uniform(20);
    round_trip(k, m, 1 + randombytes_uniform(3000), (int)randombytes_uniform((uint32_t)m + 1));
  }
  round_trip(10, 4, 4096, 4);
  round_trip(170, 85, 512, 85); /* the largest geometry, every parity slice used */
  round_trip(1, 254, 64, 254);
}

static void test_rs_too_few_slices_refused(void **state)
{
  (void)state;
  rs_code_t *c = rs_code_new(4, 2);
  unsigned char buf[6][16], *ptr[6];
  bool present[6] = {true, false, true, false, false, true};
  for (int i = 0; i < 6; i++)
    ptr[i] = buf[i];
  assert_int_equal(rs_decode(c, 16, ptr, present), DEPIN_EINVAL);
  rs_code_free(c);
  assert_null(rs_code_new(0, 4));
  assert_null(rs_code_new(4, 0));
  assert_null(rs_code_new(200, 56));
  assert_non_null(c = rs_code_new(200, 55));
  assert_int_equal(rs_code_k(c), 200);
  assert_int_equal(rs_code_m(c), 55);
  rs_code_free(c);
  rs_code_free(NULL);
}

/* The CUDA kernel's per-thread code, run on the host over every thread of the grid, gives
 * ISA-L's bytes: indexing, tables and the zero sentinel are checked without a GPU. */
static void kernel_word_case(int k, int m, size_t len)
{
  rs_code_t *c = rs_code_new(k, m);
  size_t pitch = (len + 15) / 16 * 16, words = (len + 3) / 4;
  uint8_t *data = aligned_alloc(16, pitch * k), *par = aligned_alloc(16, pitch * m);
  uint8_t *ref = malloc(len * m);
  uint16_t *coef_log = malloc(sizeof *coef_log * k * m);
  unsigned char *dptr[RS_MAX_SLICES], *rptr[RS_MAX_SLICES];
  struct gf256_tables t;
  gf256_tables_init(&t);
  cpu_random_nonzero_bytes(data, pitch * k);
  for (size_t b = 0; b < pitch * k; b += 7)
    data[b] = 0; /* zero bytes too: the sentinel path */
  for (int i = 0; i < k * m; i++)
    coef_log[i] = t.log[rs_code_parity_rows(c)[i]];
  for (int j = 0; j < k; j++)
    dptr[j] = data + (size_t)j * pitch;
  for (int i = 0; i < m; i++)
    rptr[i] = ref + (size_t)i * len;
  rs_encode(c, len, dptr, rptr);
  for (int row0 = 0; row0 < m; row0 += RS_WORD_ROWS)
    for (size_t w = 0; w < words; w++)
      rs_encode_word(data, par, k, m, pitch, w, row0, t.exp, t.log, coef_log);
  for (int i = 0; i < m; i++)
    assert_memory_equal(par + (size_t)i * pitch, rptr[i], len);
  free(data);
  free(par);
  free(ref);
  free(coef_log);
  rs_code_free(c);
}

static void test_rs_kernel_word_matches_isal(void **state)
{
  (void)state;
  kernel_word_case(1, 1, 5);
  kernel_word_case(10, 4, 4099);
  kernel_word_case(17, 33, 1000);
  kernel_word_case(170, 85, 257);
  kernel_word_case(127, 128, 64);
}

int main(void)
{
  if (sodium_init() < 0)
    return 1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rs_field_matches_isal),
    cmocka_unit_test(test_rs_round_trip_random_erasures),
    cmocka_unit_test(test_rs_too_few_slices_refused),
    cmocka_unit_test(test_rs_kernel_word_matches_isal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
