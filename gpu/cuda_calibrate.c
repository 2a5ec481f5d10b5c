/* cuda_calibrate.c: GPU measurements with the CUDA runtime, cuBLAS and our kernels (see
 * cuda_calibrate.h). Compiled only when the build has CUDA.
 *
 * Every timed region is one or more CUDA calls on the bench's stream between two CUDA events,
 * after an untimed warm-up of the same calls; every status is checked through CK/CKB, which
 * append the failing call and CUDA's message to diag and jump to the function's one fail. */
#ifdef DEPINSIM_HAVE_CUDA

#include "gpu/cuda_calibrate.h"

#include <cuda_runtime_api.h>
#include <math.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpu/cpu_kernels.h"
#include "gpu/cublas_loader.h"
#include "gpu/cuda_kernels.h"
#include "gpu/fill.h"
#include "sim/erasure/rs.h"

/* Inputs are +-(1..32)/8, exact in every precision, and fp32 accumulation of n <= 16384 such
 * products is off float64 by far less than this, relative to the sum of |products|. */
#define CUDA_GEMM_REL_TOL 1e-3
#define CUDA_GEMM_SAMPLES 64
/* Bytes of a copy compared back on the host, at each end of the buffer. */
#define CUDA_COPY_CHECK_BYTES ((size_t)1 << 20)

struct cuda_bench {
  int device;
  struct cudaDeviceProp prop;
  cudaStream_t stream;
  cudaEvent_t start, stop;
  struct cublas_api api; /* loaded at bench start, see cublas_loader.h */
  cublasHandle_t blas;
};

#define CK(call)                                                                                 \
  do {                                                                                           \
    cudaError_t e_ = (call);                                                                     \
    if (e_ != cudaSuccess) {                                                                     \
      diag_add(diag, DIAG_ERROR, NULL, 0, 0, "cuda", "%s: %s", #call, cudaGetErrorString(e_));   \
      goto fail;                                                                                 \
    }                                                                                            \
  } while (0)

#define CKB(call)                                                                                \
  do {                                                                                           \
    cublasStatus_t s_ = (call);                                                                  \
    if (s_ != CUBLAS_STATUS_SUCCESS) {                                                           \
      diag_add(diag, DIAG_ERROR, NULL, 0, 0, "cublas", "%s: %s", #call,                          \
               b->api.status_string(s_));                                                       \
      goto fail;                                                                                 \
    }                                                                                            \
  } while (0)

cuda_bench_t *cuda_bench_new(char *why, size_t why_len)
{
  int count = 0;
  cudaError_t e = cudaGetDeviceCount(&count);
  cuda_bench_t *b = NULL;
  if (e != cudaSuccess || count < 1) {
    snprintf(why, why_len, "%s", e != cudaSuccess ? cudaGetErrorString(e) : "no CUDA device");
    return NULL;
  }
  b = calloc(1, sizeof *b);
  if (!b) {
    snprintf(why, why_len, "out of memory");
    return NULL;
  }
  if ((e = cudaSetDevice(0)) != cudaSuccess || (e = cudaGetDeviceProperties(&b->prop, 0)) ||
      (e = cudaStreamCreate(&b->stream)) || (e = cudaEventCreate(&b->start)) ||
      (e = cudaEventCreate(&b->stop))) {
    snprintf(why, why_len, "%s", cudaGetErrorString(e));
    goto fail;
  }
  if (cublas_api_load(&b->api, why, why_len) != 0)
    goto fail;
  if (b->api.create(&b->blas) != CUBLAS_STATUS_SUCCESS ||
      b->api.set_stream(b->blas, b->stream) != CUBLAS_STATUS_SUCCESS) {
    snprintf(why, why_len, "cuBLAS cannot start on %s", b->prop.name);
    goto fail;
  }
  return b;
fail:
  cuda_bench_free(b);
  return NULL;
}

void cuda_bench_free(cuda_bench_t *b)
{
  if (!b)
    return;
  if (b->blas)
    b->api.destroy(b->blas);
  cublas_api_unload(&b->api);
  if (b->start)
    cudaEventDestroy(b->start);
  if (b->stop)
    cudaEventDestroy(b->stop);
  if (b->stream)
    cudaStreamDestroy(b->stream);
  free(b);
}

void cuda_bench_describe(const cuda_bench_t *b, char *name, size_t name_len,
                         double *memory_bytes, char *driver, size_t driver_len, char *toolkit,
                         size_t toolkit_len)
{
  int drv = 0, rt = 0, blas = 0;
  cudaDriverGetVersion(&drv);
  cudaRuntimeGetVersion(&rt);
  b->api.get_version(b->blas, &blas);
  snprintf(name, name_len, "%s", b->prop.name);
  *memory_bytes = (double)b->prop.totalGlobalMem;
  snprintf(driver, driver_len, "CUDA driver API %d.%d, compute capability %d.%d, %d SMs",
           drv / 1000, drv % 1000 / 10, b->prop.major, b->prop.minor,
           b->prop.multiProcessorCount);
  snprintf(toolkit, toolkit_len, "CUDA runtime %d.%d, cuBLAS %d", rt / 1000, rt % 1000 / 10,
           blas);
}

static double elapsed_s(cuda_bench_t *b)
{
  float ms = 0;
  cudaEventElapsedTime(&ms, b->start, b->stop);
  return 1e-3 * ms;
}

struct gemm_kind {
  cudaDataType_t type;
  cublasComputeType_t compute;
  enum cuda_fill_format fill;
  size_t elem_bytes;
};

static struct gemm_kind gemm_kind(enum precision p)
{
  switch (p) {
  case PREC_TF32: return (struct gemm_kind){CUDA_R_32F, CUBLAS_COMPUTE_32F_FAST_TF32, CUDA_FILL_F32, 4};
  case PREC_FP16: return (struct gemm_kind){CUDA_R_16F, CUBLAS_COMPUTE_32F, CUDA_FILL_F16, 2};
  case PREC_BF16: return (struct gemm_kind){CUDA_R_16BF, CUBLAS_COMPUTE_32F, CUDA_FILL_BF16, 2};
  case PREC_FP32:
  case PREC_COUNT: break;
  }
  return (struct gemm_kind){CUDA_R_32F, CUBLAS_COMPUTE_32F, CUDA_FILL_F32, 4};
}

/* Column-major C = A B; sampled entries against float64 sums of the same fill values. */
static double gemm_error(const float *c_dev, int n, uint64_t sa, uint64_t sb, diag_t *diag)
{
  double worst = 0;
  for (int s = 0; s < CUDA_GEMM_SAMPLES; s++) {
    int i = (int)randombytes_uniform((uint32_t)n), j = (int)randombytes_uniform((uint32_t)n);
    float got;
    double ref = 0, mag = 0;
    CK(cudaMemcpy(&got, c_dev + (size_t)j * n + i, sizeof got, cudaMemcpyDeviceToHost));
    for (int l = 0; l < n; l++) {
      double p = (double)fill_value(sa, (uint64_t)l * n + i) * fill_value(sb, (uint64_t)j * n + l);
      ref += p;
      mag += fabs(p);
    }
    worst = fmax(worst, fabs(got - ref) / mag);
  }
  return worst;
fail:
  return INFINITY;
}

enum depin_status cuda_bench_gemm(cuda_bench_t *b, enum precision p, int n, int reps,
                                  double *rates, diag_t *diag)
{
  struct gemm_kind kind = gemm_kind(p);
  size_t nn = (size_t)n * n;
  void *a = NULL, *bm = NULL;
  float *c = NULL;
  const float one = 1.0f, zero = 0.0f;
  uint64_t sa = randombytes_random(), sb = randombytes_random() + (1ull << 32);
  enum depin_status st = DEPIN_EUNSUPPORTED;
  CK(cudaMalloc(&a, nn * kind.elem_bytes));
  CK(cudaMalloc(&bm, nn * kind.elem_bytes));
  CK(cudaMalloc((void **)&c, nn * sizeof *c));
  CK(cuda_fill_launch(a, kind.fill, nn, sa, b->stream));
  CK(cuda_fill_launch(bm, kind.fill, nn, sb, b->stream));
  for (int r = -1; r < reps; r++) { /* r = -1: warm-up (cuBLAS picks and loads its kernel) */
    CK(cudaEventRecord(b->start, b->stream));
    CKB(b->api.gemm_ex(b->blas, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, a, kind.type, n, bm,
                     kind.type, n, &zero, c, CUDA_R_32F, n, kind.compute, CUBLAS_GEMM_DEFAULT));
    CK(cudaEventRecord(b->stop, b->stream));
    CK(cudaEventSynchronize(b->stop));
    if (r >= 0)
      rates[r] = 2.0 * (double)n * (double)nn / elapsed_s(b);
  }
  double err = gemm_error(c, n, sa, sb, diag);
  st = DEPIN_OK;
  if (!(err <= CUDA_GEMM_REL_TOL)) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, precision_names[p], "cuBLAS GEMM off float64 by %g "
             "(relative; tolerance %g)", err, CUDA_GEMM_REL_TOL);
    st = DEPIN_EINVAL;
  }
fail:
  cudaFree(a);
  cudaFree(bm);
  cudaFree(c);
  return st;
}

/* Compares the first and last CUDA_COPY_CHECK_BYTES of two device buffers. */
static enum depin_status same_ends(const unsigned char *x, const unsigned char *y, size_t bytes,
                                   const char *what, diag_t *diag)
{
  size_t n = bytes < CUDA_COPY_CHECK_BYTES ? bytes : CUDA_COPY_CHECK_BYTES;
  unsigned char *hx = malloc(2 * n), *hy = malloc(2 * n);
  enum depin_status st = DEPIN_ENOMEM;
  if (!hx || !hy)
    goto fail;
  st = DEPIN_EUNSUPPORTED;
  CK(cudaMemcpy(hx, x, n, cudaMemcpyDeviceToHost));
  CK(cudaMemcpy(hx + n, x + bytes - n, n, cudaMemcpyDeviceToHost));
  CK(cudaMemcpy(hy, y, n, cudaMemcpyDeviceToHost));
  CK(cudaMemcpy(hy + n, y + bytes - n, n, cudaMemcpyDeviceToHost));
  st = DEPIN_OK;
  if (memcmp(hx, hy, 2 * n)) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, what, "the copy differs from its source");
    st = DEPIN_EINVAL;
  }
fail:
  free(hx);
  free(hy);
  return st;
}

enum depin_status cuda_bench_d2d(cuda_bench_t *b, size_t bytes, int reps, double *rates,
                                 diag_t *diag)
{
  unsigned char *src = NULL, *dst = NULL;
  enum depin_status st = DEPIN_EUNSUPPORTED;
  bytes &= ~(size_t)15;
  CK(cudaMalloc((void **)&src, bytes));
  CK(cudaMalloc((void **)&dst, bytes));
  CK(cuda_fill_launch(src, CUDA_FILL_F32, bytes / 4, randombytes_random(), b->stream));
  for (int r = -1; r < reps; r++) {
    CK(cudaEventRecord(b->start, b->stream));
    CK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, b->stream));
    CK(cudaEventRecord(b->stop, b->stream));
    CK(cudaEventSynchronize(b->stop));
    if (r >= 0)
      rates[r] = 2.0 * (double)bytes / elapsed_s(b);
  }
  st = same_ends(src, dst, bytes, "mem_bw", diag);
fail:
  cudaFree(src);
  cudaFree(dst);
  return st;
}

enum depin_status cuda_bench_host_copy(cuda_bench_t *b, bool to_device, size_t bytes, int reps,
                                       double *rates, diag_t *diag)
{
  unsigned char *host = NULL, *back = NULL, *dev = NULL;
  enum depin_status st = DEPIN_EUNSUPPORTED;
  CK(cudaMallocHost((void **)&host, bytes));
  CK(cudaMallocHost((void **)&back, bytes));
  CK(cudaMalloc((void **)&dev, bytes));
  cpu_random_nonzero_bytes(host, bytes < 4096 ? bytes : 4096);
  for (size_t o = 4096; o < bytes; o += 4096) /* a random page, repeated: never zero */
    memcpy(host + o, host, bytes - o < 4096 ? bytes - o : 4096);
  CK(cudaMemcpy(dev, host, bytes, cudaMemcpyHostToDevice));
  for (int r = -1; r < reps; r++) {
    CK(cudaEventRecord(b->start, b->stream));
    if (to_device)
      CK(cudaMemcpyAsync(dev, host, bytes, cudaMemcpyHostToDevice, b->stream));
    else
      CK(cudaMemcpyAsync(back, dev, bytes, cudaMemcpyDeviceToHost, b->stream));
    CK(cudaEventRecord(b->stop, b->stream));
    CK(cudaEventSynchronize(b->stop));
    if (r >= 0)
      rates[r] = (double)bytes / elapsed_s(b);
  }
  CK(cudaMemcpy(back, dev, bytes, cudaMemcpyDeviceToHost));
  st = DEPIN_OK;
  if (memcmp(host, back, bytes)) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, to_device ? "h2d" : "d2h", "the copy differs from "
             "its source");
    st = DEPIN_EINVAL;
  }
fail:
  cudaFreeHost(host);
  cudaFreeHost(back);
  cudaFree(dev);
  return st;
}

static size_t rs_pitch(size_t len)
{
  return (len + CUDA_RS_PITCH_ALIGN - 1) / CUDA_RS_PITCH_ALIGN * CUDA_RS_PITCH_ALIGN;
}

/* Encodes host slices on the device; times reps launches when reps > 0. */
static enum depin_status rs_on_device(cuda_bench_t *b, const unsigned char *rows, int k, int m,
                                      size_t len, unsigned char *const data[],
                                      unsigned char *const parity[], int reps, double *rates,
                                      diag_t *diag)
{
  size_t pitch = rs_pitch(len);
  unsigned char *dd = NULL, *dp = NULL;
  enum depin_status st = DEPIN_EUNSUPPORTED;
  CK(cuda_rs_set_matrix(rows, k, m));
  CK(cudaMalloc((void **)&dd, pitch * (size_t)k));
  CK(cudaMalloc((void **)&dp, pitch * (size_t)m));
  CK(cudaMemset(dd, 0x5c, pitch * (size_t)k)); /* defined bytes in the pitch padding */
  CK(cudaMemcpy2D(dd, pitch, data[0], data[1] - data[0], len, (size_t)k,
                  cudaMemcpyHostToDevice));
  for (int r = -1; r < reps; r++) {
    CK(cudaEventRecord(b->start, b->stream));
    CK(cuda_rs_encode_launch(dd, dp, k, m, len, pitch, b->stream));
    CK(cudaEventRecord(b->stop, b->stream));
    CK(cudaEventSynchronize(b->stop));
    if (r >= 0)
      rates[r] = (double)k * (double)len / elapsed_s(b);
  }
  for (int i = 0; i < m; i++)
    CK(cudaMemcpy(parity[i], dp + (size_t)i * pitch, len, cudaMemcpyDeviceToHost));
  st = DEPIN_OK;
fail:
  cudaFree(dd);
  cudaFree(dp);
  return st;
}

enum depin_status cuda_bench_rs_encode_once(cuda_bench_t *b, const unsigned char *parity_rows,
                                            int k, int m, size_t len,
                                            unsigned char *const data[],
                                            unsigned char *const parity[], diag_t *diag)
{
  /* data slices must lie at a constant stride for the 2-D copy */
  for (int j = 2; j < k; j++)
    if (data[j] - data[j - 1] != data[1] - data[0])
      return DEPIN_EINVAL;
  unsigned char *one[2] = {data[0], data[0] + len}; /* k = 1: any stride >= len */
  return rs_on_device(b, parity_rows, k, m, len, k > 1 ? data : one, parity, 0, NULL, diag);
}

enum depin_status cuda_bench_rs_encode(cuda_bench_t *b, int k, int m, size_t len, int reps,
                                       double *rates, diag_t *diag)
{
  rs_code_t *code = rs_code_new(k, m);
  unsigned char *block = code ? malloc((size_t)(k + 2 * m) * len) : NULL;
  unsigned char *ptr[2 * RS_MAX_SLICES];
  enum depin_status st = code ? DEPIN_ENOMEM : DEPIN_EINVAL;
  if (!block)
    goto done;
  for (int i = 0; i < k + 2 * m; i++)
    ptr[i] = block + (size_t)i * len;
  cpu_random_nonzero_bytes(block, (size_t)k * len);
  rs_encode(code, len, ptr, ptr + k); /* ISA-L: the bytes the kernel must produce */
  st = rs_on_device(b, rs_code_parity_rows(code), k, m, len, ptr, ptr + k + m, reps, rates, diag);
  if (st == DEPIN_OK && memcmp(ptr[k], ptr[k + m], (size_t)m * len)) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, "rs_encode", "CUDA parity of k=%d m=%d differs from "
             "ISA-L's ec_encode_data", k, m);
    st = DEPIN_EINVAL;
  }
done:
  free(block);
  rs_code_free(code);
  return st;
}

#endif /* DEPINSIM_HAVE_CUDA */
