/* status.h: the one set of error codes that functions taking user input return. */
#ifndef DEPINSIM_SIM_BASE_STATUS_H
#define DEPINSIM_SIM_BASE_STATUS_H

/* Bad input never asserts: it comes back as one of these, with the details (file:line:col,
 * key path, what is allowed) written to a diag list by the function that found it. */
enum depin_status {
  DEPIN_OK = 0,        /* success */
  DEPIN_EINVAL,        /* bad input: a scenario, profile or command line that breaks a rule */
  DEPIN_ENOENT,        /* a named file, profile, device, metric or key does not exist */
  DEPIN_EIO,           /* reading or writing a file failed */
  DEPIN_ENOMEM,        /* out of memory, or a request larger than this machine can hold */
  DEPIN_EUNSUPPORTED,  /* a feature this build or machine lacks (no GPU, no CUDA) */
  DEPIN_STATUS_COUNT
};

/* A static, human-readable description of a status. Cannot fail. */
const char *depin_strerror(enum depin_status status);

#endif
