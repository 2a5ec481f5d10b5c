/* cuda_calibrate.h: the GPU measurements of `depinsim calibrate`, behind a plain C interface.
 *
 * Defined only in builds with DEPINSIM_HAVE_CUDA (gpu/cuda_calibrate.c, gpu/cuda_kernels.cu);
 * callers guard their calls with #ifdef DEPINSIM_HAVE_CUDA. Every CUDA and cuBLAS status is
 * checked: a failure comes back as DEPIN_EUNSUPPORTED with the CUDA message in diag. Timed
 * regions are bracketed by CUDA events after one warm-up run, inputs are fresh random data
 * that is never zero, and every result is checked against a reference. rates is the caller's
 * array of reps doubles, one rate per repetition. */
#ifndef DEPINSIM_GPU_CUDA_CALIBRATE_H
#define DEPINSIM_GPU_CUDA_CALIBRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/base/diag.h"
#include "sim/base/status.h"
#include "sim/device/profile.h"

typedef struct cuda_bench cuda_bench_t;

/* Opens CUDA device 0 and a cuBLAS handle. Returns NULL when there is no usable GPU (no driver,
 * no device, or any CUDA error), with the reason written to why. Free with cuda_bench_free. */
cuda_bench_t *cuda_bench_new(char *why, size_t why_len);
void cuda_bench_free(cuda_bench_t *b);

/* The device's name, memory and the driver / runtime / cuBLAS versions. Cannot fail. */
void cuda_bench_describe(const cuda_bench_t *b, char *name, size_t name_len,
                         double *memory_bytes, char *driver, size_t driver_len, char *toolkit,
                         size_t toolkit_len);

/* n x n x n cublasGemmEx at precision p (fp32: CUDA cores; tf32, fp16, bf16: tensor cores, fp32
 * accumulate), FLOP/s; checked on sampled entries against float64. */
enum depin_status cuda_bench_gemm(cuda_bench_t *b, enum precision p, int n, int reps,
                                  double *rates, diag_t *diag);
/* Device-to-device copy of bytes, bytes read plus written per second. */
enum depin_status cuda_bench_d2d(cuda_bench_t *b, size_t bytes, int reps, double *rates,
                                 diag_t *diag);
/* Pinned host <-> device copy of bytes in one direction, bytes per second. */
enum depin_status cuda_bench_host_copy(cuda_bench_t *b, bool to_device, size_t bytes, int reps,
                                       double *rates, diag_t *diag);
/* Our GF(2^8) RS encode kernel, k data slices of len bytes to m parity, data bytes per second;
 * its output must equal ISA-L's ec_encode_data byte for byte. */
enum depin_status cuda_bench_rs_encode(cuda_bench_t *b, int k, int m, size_t len, int reps,
                                       double *rates, diag_t *diag);
/* Encodes host slices once on the device with the m x k parity rows given (row-major), for the
 * identity test against ISA-L. */
enum depin_status cuda_bench_rs_encode_once(cuda_bench_t *b, const unsigned char *parity_rows,
                                            int k, int m, size_t len,
                                            unsigned char *const data[],
                                            unsigned char *const parity[], diag_t *diag);

#endif
