/* cuda_kernels.cu: our CUDA kernels and their launchers: GF(2^8) Reed-Solomon encode and the
 * fill of GEMM inputs.
 *
 * RS encode: a thread per 4-byte word position and per group of RS_WORD_ROWS parity rows
 * (blockIdx.y), running rs_encode_word (rs_word.h, shared with a host test) with the log/exp
 * tables copied to shared memory and the coefficient logarithms in constant memory (the same
 * address for the whole warp: a broadcast). Field: ISA-L's, so the bytes equal
 * ec_encode_data's. */
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "gpu/cuda_kernels.h"
#include "gpu/fill.h"
#include "sim/erasure/gf256.h"
#include "sim/erasure/rs_word.h"

#define RS_THREADS 256

__constant__ uint16_t c_coef_log[CUDA_RS_MAX_COEFS];
__constant__ uint16_t c_log[256];
__constant__ uint8_t c_exp[GF256_EXP_SIZE];

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
  if (w < words)
    rs_encode_word(data, parity, k, m, pitch, w, blockIdx.y * RS_WORD_ROWS, s_exp, s_log,
                   c_coef_log);
}

extern "C" cudaError_t cuda_rs_set_matrix(const unsigned char *parity_rows, int k, int m)
{
  uint16_t logs[CUDA_RS_MAX_COEFS];
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
  dim3 grid((unsigned)((words + RS_THREADS - 1) / RS_THREADS), (unsigned)((m + RS_WORD_ROWS - 1) / RS_WORD_ROWS));
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
