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
#include "gpu/gf256.h"
#include "gpu/rs.h"

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

int main(void)
{
  if (sodium_init() < 0)
    return 1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rs_field_matches_isal),
    cmocka_unit_test(test_rs_round_trip_random_erasures),
    cmocka_unit_test(test_rs_too_few_slices_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
