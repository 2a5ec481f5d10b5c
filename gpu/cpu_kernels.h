/* cpu_kernels.h: the CPU measurements of `depinsim calibrate`, each checked against a reference.
 *
 * Every function runs one untimed warm-up, then reps timed repetitions on fresh random inputs
 * that are never zero, and writes each repetition's rate to rates[0..reps-1]. They return
 * DEPIN_OK; DEPIN_ENOMEM when the buffers cannot be had; DEPIN_EINVAL when the result disagrees
 * with its reference, with the details appended to diag. rates is the caller's (reps doubles). */
#ifndef DEPINSIM_GPU_CPU_KERNELS_H
#define DEPINSIM_GPU_CPU_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/base/diag.h"
#include "sim/base/status.h"

/* Fills buf with random bytes, none of them zero (libsodium's generator). Cannot fail. */
void cpu_random_nonzero_bytes(unsigned char *buf, size_t len);

/* Seconds of CLOCK_MONOTONIC. */
double cpu_now_s(void);

/* OpenBLAS's build description ("OpenBLAS 0.3.21 DYNAMIC_ARCH ... Cooperlake"); static. */
const char *cpu_blas_config(void);

/* Dense n x n x n fp32 product through OpenBLAS's sgemm, FLOP/s = 2 n^3 / s. The result is
 * checked on sampled entries against a float64 dot product of the same inputs. */
enum depin_status cpu_gemm_fp32(int n, int reps, double *rates, diag_t *diag);

/* The largest relative error, over `samples` sampled entries, of an m x n x k sgemm against
 * float64 on fresh random inputs; negative when out of memory. For tests and the check above. */
double cpu_gemm_fp32_error(int m, int n, int k, int samples);

/* Streaming copy of `bytes` bytes (memcpy), bytes read plus written per second; checked with
 * memcmp. */
enum depin_status cpu_stream_copy(size_t bytes, int reps, double *rates, diag_t *diag);

/* ISA-L Reed-Solomon encode of k data slices of len bytes into m parity slices, data bytes
 * per second; checked against the scalar reference on the whole output. */
enum depin_status cpu_rs_encode(int k, int m, size_t len, int reps, double *rates, diag_t *diag);

/* libsodium Ed25519 verification of `count` distinct signed 256-byte messages on one core,
 * verifications per second; every one must verify and a tampered one must not. */
enum depin_status cpu_sig_verify(int count, int reps, double *rates, diag_t *diag);

#endif
