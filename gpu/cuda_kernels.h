/* cuda_kernels.h: launchers of our CUDA kernels (gpu/cuda_kernels.cu), callable from C.
 *
 * Each launcher returns the CUDA status of its launch (cudaGetLastError after it); errors in
 * the kernel itself surface at the next synchronising call. Pointers are device pointers. */
#ifndef DEPINSIM_GPU_CUDA_KERNELS_H
#define DEPINSIM_GPU_CUDA_KERNELS_H

#include <cuda_runtime_api.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest m x k the RS kernel holds in constant memory: k + m <= 255 gives at most 127 x 128. */
#define CUDA_RS_MAX_COEFS 16384
/* Slices must start every pitch bytes, pitch a multiple of this. */
#define CUDA_RS_PITCH_ALIGN 16

/* Uploads the GF(2^8) tables and the m x k parity rows (row-major) the next encodes use. They
 * live in the device's constant memory, one matrix per process at a time: encodes with another
 * matrix must wait for the launches using this one.
 * Returns cudaErrorInvalidValue when m x k > CUDA_RS_MAX_COEFS or a coefficient is zero. */
cudaError_t cuda_rs_set_matrix(const unsigned char *parity_rows, int k, int m);

/* parity[i] = sum_j rows[i][j] x data[j] over GF(2^8) for every byte of len, slice j of data at
 * data + j x pitch and parity slice i at parity + i x pitch; bytes past len up to the pitch are
 * written with garbage. */
cudaError_t cuda_rs_encode_launch(const uint8_t *data, uint8_t *parity, int k, int m,
                                  size_t len, size_t pitch, cudaStream_t stream);

/* Element formats of cuda_fill_launch (the precisions of profile.h's gemm figures). */
enum cuda_fill_format { CUDA_FILL_F32, CUDA_FILL_F16, CUDA_FILL_BF16 };

/* dst[i] = fill_value(seed, i) (gpu/fill.h) for i < n, in the given format. */
cudaError_t cuda_fill_launch(void *dst, enum cuda_fill_format format, size_t n, uint64_t seed,
                             cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
