/* cublas_loader.c: cuBLAS through dlopen (see cublas_loader.h). Compiled only when the build
 * has CUDA. */
#ifdef DEPINSIM_HAVE_CUDA

#include "gpu/cublas_loader.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* The sonames to try: the toolkit's major version first, then the development link. */
static const char *const cublas_sonames[] = {"libcublas.so.13", "libcublas.so.12",
                                             "libcublas.so", NULL};

static void *symbol(void *library, const char *name, const char **missing)
{
  void *f = dlsym(library, name);
  if (!f && !*missing)
    *missing = name;
  return f;
}

int cublas_api_load(struct cublas_api *api, char *why, size_t why_len)
{
  memset(api, 0, sizeof(*api));
  for (size_t i = 0; cublas_sonames[i] && !api->library; i++)
    api->library = dlopen(cublas_sonames[i], RTLD_NOW | RTLD_LOCAL);
  if (!api->library) {
    snprintf(why, why_len, "no cuBLAS library found (%s)", dlerror());
    return -1;
  }
  const char *missing = NULL;
  /* cublas_v2.h maps the plain names to these _v2 symbols. */
  *(void **)&api->create = symbol(api->library, "cublasCreate_v2", &missing);
  *(void **)&api->destroy = symbol(api->library, "cublasDestroy_v2", &missing);
  *(void **)&api->set_stream = symbol(api->library, "cublasSetStream_v2", &missing);
  *(void **)&api->gemm_ex = symbol(api->library, "cublasGemmEx", &missing);
  *(void **)&api->status_string = symbol(api->library, "cublasGetStatusString", &missing);
  *(void **)&api->get_version = symbol(api->library, "cublasGetVersion_v2", &missing);
  if (missing) {
    snprintf(why, why_len, "cuBLAS lacks %s", missing);
    cublas_api_unload(api);
    return -1;
  }
  return 0;
}

void cublas_api_unload(struct cublas_api *api)
{
  if (api->library)
    dlclose(api->library);
  memset(api, 0, sizeof(*api));
}

#endif /* DEPINSIM_HAVE_CUDA */
