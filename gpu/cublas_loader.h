/* cublas_loader.h: cuBLAS, loaded only when a GPU calibration needs it.
 *
 * Linking cuBLAS into depinsim maps its 540 MB cublasLt into every process, which costs about
 * 215 MiB of resident memory per run (257 MiB against 42 MiB to start the binary) though only
 * `depinsim calibrate --device cuda` uses it. So the few functions calibration calls are
 * looked up with dlopen/dlsym when a CUDA bench starts, and a machine without cuBLAS simply
 * reports "no cuBLAS" there. */
#ifndef DEPINSIM_GPU_CUBLAS_LOADER_H
#define DEPINSIM_GPU_CUBLAS_LOADER_H

#include <cublas_v2.h>
#include <stddef.h>

struct cublas_api {
  void *library; /* dlopen handle; NULL when not loaded */
  __typeof__(cublasCreate_v2) *create;
  __typeof__(cublasDestroy_v2) *destroy;
  __typeof__(cublasSetStream_v2) *set_stream;
  __typeof__(cublasGemmEx) *gemm_ex;
  __typeof__(cublasGetStatusString) *status_string;
  __typeof__(cublasGetVersion_v2) *get_version;
};

/* Loads libcublas and its functions into api. Returns 0; or -1 with the reason in why (and
 * api left unloaded). */
int cublas_api_load(struct cublas_api *api, char *why, size_t why_len);
/* Releases the library; a no-op on an unloaded api. */
void cublas_api_unload(struct cublas_api *api);

#endif
