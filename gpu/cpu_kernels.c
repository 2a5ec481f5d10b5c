/* cpu_kernels.c: CPU measurements (OpenBLAS GEMM, streaming copy, ISA-L RS, libsodium Ed25519),
 * each checked against a reference before its rate is believed. */
#include "gpu/cpu_kernels.h"

#include <cblas.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/erasure/rs.h"

/* Relative tolerance of an fp32 product against float64: k products of terms in [0.5, 1.5)
 * accumulate at most ~k x 2^-24 relative error each; 1e-4 holds for k <= 16384 with margin. */
#define CPU_GEMM_FP32_REL_TOL 1e-4
#define CPU_GEMM_SAMPLES 256
#define SIG_MESSAGE_BYTES 256

void cpu_random_nonzero_bytes(unsigned char *buf, size_t len)
{
  randombytes_buf(buf, len);
  for (size_t i = 0; i < len; i++)
    while (!buf[i])
      buf[i] = (unsigned char)randombytes_uniform(256);
}

double cpu_now_s(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Uniform in [0.5, 1.5) or its negative: never zero, never tiny. */
static void random_floats(float *x, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    uint32_t r = randombytes_random();
    float v = 0.5f + (float)(r >> 9) / (float)(1u << 23);
    x[i] = (r & 1) ? -v : v;
  }
}

static double max_error(const float *a, const float *b, const float *c, int m, int n, int k,
                        int samples)
{
  double worst = 0;
  for (int s = 0; s < samples; s++) {
    int i = (int)randombytes_uniform((uint32_t)m), j = (int)randombytes_uniform((uint32_t)n);
    double ref = 0, mag = 0;
    for (int l = 0; l < k; l++) {
      double p = (double)a[(size_t)i * k + l] * (double)b[(size_t)l * n + j];
      ref += p;
      mag += fabs(p);
    }
    double err = fabs((double)c[(size_t)i * n + j] - ref) / mag;
    if (err > worst)
      worst = err;
  }
  return worst;
}

/* The Fortran BLAS sgemm_, not cblas_sgemm: the library also links GSL, whose libgslcblas
 * exports a reference cblas_sgemm (a plain triple loop, 30x slower here) that wins the symbol
 * when it comes first on the link line. sgemm_ exists only in OpenBLAS, so this is OpenBLAS
 * whatever the link order. Row-major C = A B is column-major C^T = B^T A^T. */
extern void sgemm_(const char *transa, const char *transb, const int *m, const int *n,
                   const int *k, const float *alpha, const float *a, const int *lda,
                   const float *b, const int *ldb, const float *beta, float *c, const int *ldc);

static void sgemm(const float *a, const float *b, float *c, int m, int n, int k)
{
  const float one = 1.0f, zero = 0.0f;
  sgemm_("N", "N", &n, &m, &k, &one, b, &n, a, &k, &zero, c, &n);
}

const char *cpu_blas_config(void)
{
  return openblas_get_config();
}

double cpu_gemm_fp32_error(int m, int n, int k, int samples)
{
  float *a = malloc(sizeof *a * (size_t)m * k), *b = malloc(sizeof *b * (size_t)k * n);
  float *c = malloc(sizeof *c * (size_t)m * n);
  double err = -1;
  if (a && b && c) {
    random_floats(a, (size_t)m * k);
    random_floats(b, (size_t)k * n);
    sgemm(a, b, c, m, n, k);
    err = max_error(a, b, c, m, n, k, samples);
  }
  free(a);
  free(b);
  free(c);
  return err;
}

enum depin_status cpu_gemm_fp32(int n, int reps, double *rates, diag_t *diag)
{
  size_t nn = (size_t)n * n;
  float *a = malloc(sizeof *a * nn), *b = malloc(sizeof *b * nn), *c = malloc(sizeof *c * nn);
  enum depin_status st = DEPIN_ENOMEM;
  if (!a || !b || !c)
    goto done;
  random_floats(a, nn);
  random_floats(b, nn);
  sgemm(a, b, c, n, n, n); /* warm-up: threads started, pages touched */
  for (int r = 0; r < reps; r++) {
    double t0 = cpu_now_s();
    sgemm(a, b, c, n, n, n);
    rates[r] = 2.0 * n * (double)nn / (cpu_now_s() - t0);
  }
  double err = max_error(a, b, c, n, n, n, CPU_GEMM_SAMPLES);
  st = DEPIN_OK;
  if (err > CPU_GEMM_FP32_REL_TOL) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, "gemm.fp32", "sgemm result off float64 by %g "
             "(relative; tolerance %g)", err, CPU_GEMM_FP32_REL_TOL);
    st = DEPIN_EINVAL;
  }
done:
  free(a);
  free(b);
  free(c);
  return st;
}

enum depin_status cpu_stream_copy(size_t bytes, int reps, double *rates, diag_t *diag)
{
  unsigned char *src = malloc(bytes), *dst = malloc(bytes);
  enum depin_status st = DEPIN_ENOMEM;
  if (!src || !dst)
    goto done;
  cpu_random_nonzero_bytes(src, bytes);
  memcpy(dst, src, bytes);
  for (int r = 0; r < reps; r++) {
    src[(size_t)r * 4099 % bytes] ^= 0x5a; /* a changed input each time */
    double t0 = cpu_now_s();
    memcpy(dst, src, bytes);
    rates[r] = 2.0 * (double)bytes / (cpu_now_s() - t0);
  }
  st = DEPIN_OK;
  if (memcmp(src, dst, bytes)) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, "mem_bw", "streaming copy differs from its source");
    st = DEPIN_EINVAL;
  }
done:
  free(src);
  free(dst);
  return st;
}

/* k + m slices of len bytes in one block; slice pointers into it. */
static unsigned char *alloc_slices(int n, size_t len, unsigned char **ptr)
{
  unsigned char *block = aligned_alloc(64, (size_t)n * ((len + 63) / 64 * 64));
  for (int i = 0; block && i < n; i++)
    ptr[i] = block + (size_t)i * ((len + 63) / 64 * 64);
  return block;
}

enum depin_status cpu_rs_encode(int k, int m, size_t len, int reps, double *rates, diag_t *diag)
{
  rs_code_t *code = rs_code_new(k, m);
  unsigned char *ptr[2 * RS_MAX_SLICES];
  unsigned char *block = code ? alloc_slices(k + 2 * m, len, ptr) : NULL;
  enum depin_status st = code ? DEPIN_ENOMEM : DEPIN_EINVAL;
  if (!block)
    goto done;
  cpu_random_nonzero_bytes(block, (size_t)k * (ptr[1] - ptr[0]));
  rs_encode(code, len, ptr, ptr + k);
  for (int r = 0; r < reps; r++) {
    ptr[r % k][r % len] ^= 0x33;
    double t0 = cpu_now_s();
    rs_encode(code, len, ptr, ptr + k);
    rates[r] = (double)k * (double)len / (cpu_now_s() - t0);
  }
  rs_encode_reference(code, len, ptr, ptr + k + m);
  st = DEPIN_OK;
  for (int i = 0; i < m; i++)
    if (memcmp(ptr[k + i], ptr[k + m + i], len)) {
      diag_add(diag, DIAG_ERROR, NULL, 0, 0, "rs_encode", "ISA-L parity slice %d of k=%d m=%d "
               "differs from the scalar GF(2^8) reference", i, k, m);
      st = DEPIN_EINVAL;
      break;
    }
done:
  free(block);
  rs_code_free(code);
  return st;
}

enum depin_status cpu_sig_verify(int count, int reps, double *rates, diag_t *diag)
{
  size_t one = SIG_MESSAGE_BYTES + crypto_sign_BYTES;
  unsigned char *msgs = malloc((size_t)count * one), pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  enum depin_status st = DEPIN_ENOMEM;
  if (!msgs || sodium_init() < 0)
    goto done;
  crypto_sign_keypair(pk, sk);
  cpu_random_nonzero_bytes(msgs, (size_t)count * one);
  for (int i = 0; i < count; i++) {
    unsigned char *msg = msgs + (size_t)i * one;
    crypto_sign_detached(msg + SIG_MESSAGE_BYTES, NULL, msg, SIG_MESSAGE_BYTES, sk);
  }
  int bad = 0;
  for (int r = -1; r < reps; r++) { /* r = -1: warm-up */
    double t0 = cpu_now_s();
    for (int i = 0; i < count; i++) {
      const unsigned char *msg = msgs + (size_t)i * one;
      bad += crypto_sign_verify_detached(msg + SIG_MESSAGE_BYTES, msg, SIG_MESSAGE_BYTES, pk) != 0;
    }
    if (r >= 0)
      rates[r] = count / (cpu_now_s() - t0);
  }
  msgs[0] ^= 1; /* a tampered message must be refused */
  bad += crypto_sign_verify_detached(msgs + SIG_MESSAGE_BYTES, msgs, SIG_MESSAGE_BYTES, pk) == 0;
  st = DEPIN_OK;
  if (bad) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, "sig_verify", "%d Ed25519 verifications gave the "
             "wrong answer", bad);
    st = DEPIN_EINVAL;
  }
done:
  free(msgs);
  return st;
}
