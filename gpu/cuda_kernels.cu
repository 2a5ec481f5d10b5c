/* cuda_kernels.cu: our CUDA kernels and their launchers: GF(2^8) Reed-Solomon encode and the
 * fill of GEMM inputs.
 *
 * RS encode: each thread owns one 4-byte word position of the slices and RS_ROWS parity rows
 * (blockIdx.y picks which). For each data slice it loads the word once, takes the logarithms of
 * its 4 bytes once (shared-memory table), then for each of its parity rows adds the row's
 * coefficient logarithm (constant memory, the same for the whole warp: a broadcast) and looks
 * the products up in the extended exponent table, which makes zero bytes come out zero without
 * a branch (gf256.h). Field: ISA-L's, so the bytes equal ec_encode_data's. */
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "gpu/cuda_kernels.h"
#include "gpu/fill.h"
#include "gpu/gf256.h"

#define RS_ROWS 16
#define RS_THREADS 256

__constant__ uint16_t c_coef_log[CUDA_RS_MAX_COEFS];
__constant__ uint16_t c_log[256];
__constant__ uint8_t c_exp[GF256_EXP_SIZE];

static __device__ __forceinline__ uint32_t mul_word(const uint8_t *s_exp, const uint32_t lg[4],
                                                   uint32_t lc)
{
  return (uint32_t)s_exp[lg[0] + lc] | ((uint32_t)s_exp[lg[1] + lc] << 8) |
         ((uint32_t)s_exp[lg[2] + lc] << 16) | ((uint32_t)s_exp[lg[3] + lc] << 24);
}

__global__ void rs_encode_kernel(const uint8_t *__restrict__ data, uint8_t *__restrict__ parity,
                                 int k, int m, size_t words, size_t pitch)
{
  __shared__ uint8_t s_exp[GF256_EXP_SIZE];
  __shared__ uint16_t s_log[256];
  for (int i = threadIdx.x; i < GF256_EXP_SIZE; i += blockDim.x)
    s_exp[i] = c_exp[i];
  for (int i = threadIdx.x; i < 256; i += blockDim.x)
    s_log[i] = c_log[i];
  __syncthreads();
  size_t w = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  int row0 = blockIdx.y * RS_ROWS;
  if (w >= words)
    return;
  uint32_t acc[RS_ROWS];
#pragma unroll
  for (int r = 0; r < RS_ROWS; r++)
    acc[r] = 0;
  for (int j = 0; j < k; j++) {
    uint32_t x = __ldg((const uint32_t *)(data + (size_t)j * pitch) + w);
    uint32_t lg[4] = {s_log[x & 0xff], s_log[(x >> 8) & 0xff], s_log[(x >> 16) & 0xff],
                      s_log[x >> 24]};
#pragma unroll
    for (int r = 0; r < RS_ROWS; r++)
      if (row0 + r < m)
        acc[r] ^= mul_word(s_exp, lg, c_coef_log[(row0 + r) * k + j]);
  }
#pragma unroll
  for (int r = 0; r < RS_ROWS; r++)
    if (row0 + r < m)
      ((uint32_t *)(parity + (size_t)(row0 + r) * pitch))[w] = acc[r];
}

extern "C" cudaError_t cuda_rs_set_matrix(const unsigned char *parity_rows, int k, int m)
{
  static uint16_t logs[CUDA_RS_MAX_COEFS];
  struct gf256_tables t;
  if (k < 1 || m < 1 || (size_t)k * m > CUDA_RS_MAX_COEFS)
    return cudaErrorInvalidValue;
  gf256_tables_init(&t);
  for (int i = 0; i < k * m; i++) {
    if (!parity_rows[i])
      return cudaErrorInvalidValue;
    logs[i] = t.log[parity_rows[i]];
  }
  cudaError_t e = cudaMemcpyToSymbol(c_coef_log, logs, sizeof logs[0] * (size_t)k * m);
  if (e == cudaSuccess)
    e = cudaMemcpyToSymbol(c_log, t.log, sizeof t.log);
  if (e == cudaSuccess)
    e = cudaMemcpyToSymbol(c_exp, t.exp, sizeof t.exp);
  return e;
}

extern "C" cudaError_t cuda_rs_encode_launch(const uint8_t *data, uint8_t *parity, int k, int m,
                                             size_t len, size_t pitch, cudaStream_t stream)
{
  if (pitch % CUDA_RS_PITCH_ALIGN || pitch < len)
    return cudaErrorInvalidValue;
  size_t words = (len + 3) / 4;
  dim3 grid((unsigned)((words + RS_THREADS - 1) / RS_THREADS), (unsigned)((m + RS_ROWS - 1) / RS_ROWS));
  rs_encode_kernel<<<grid, RS_THREADS, 0, stream>>>(data, parity, k, m, words, pitch);
  return cudaGetLastError();
}

__global__ void fill_kernel(void *dst, int format, size_t n, uint64_t seed)
{
  for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x) {
    float v = fill_value(seed, i);
    if (format == CUDA_FILL_F16)
      ((__half *)dst)[i] = __float2half_rn(v);
    else if (format == CUDA_FILL_BF16)
      ((__nv_bfloat16 *)dst)[i] = __float2bfloat16_rn(v);
    else
      ((float *)dst)[i] = v;
  }
}

extern "C" cudaError_t cuda_fill_launch(void *dst, enum cuda_fill_format format, size_t n,
                                        uint64_t seed, cudaStream_t stream)
{
  fill_kernel<<<1024, 256, 0, stream>>>(dst, (int)format, n, seed);
  return cudaGetLastError();
}
