/* calibrate.h: `depinsim calibrate`: measure a device's rates and write its profile.
 *
 * The driver behind the command: picks the device (a CUDA GPU when one answers, else the CPU),
 * runs each measurement of cpu_kernels.h or cuda_calibrate.h with warm-up, repetitions and a
 * reference check, prints each figure with its spread to the report stream, and writes a
 * profile (profile.h) with source: measured. */
#ifndef DEPINSIM_GPU_CALIBRATE_H
#define DEPINSIM_GPU_CALIBRATE_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/base/diag.h"
#include "sim/base/status.h"
#include "sim/device/profile.h"

enum calibrate_device {
  CALIBRATE_AUTO, /* the GPU when one is usable, else the CPU */
  CALIBRATE_CUDA, /* the GPU; without one, says so on the report and calibrates the CPU */
  CALIBRATE_CPU,  /* the CPU even when a GPU is present */
};

struct calibrate_opts {
  enum calibrate_device device;
  const char *output;  /* profile path; NULL: the profile goes to the report stream */
  bool quick;          /* small sizes and few repetitions (tests): well under a second each */
  const char *command; /* the command line, recorded as the profile's origin; NULL: rebuilt */
};

/* Parses "auto", "cuda", "cpu". Returns DEPIN_EINVAL for anything else. */
enum depin_status calibrate_device_parse(const char *s, enum calibrate_device *out);

/* Measures the device into *d (fields owned by d: release with device_profile_fini, also after
 * a failure). Progress and figures go to report (every line a YAML comment, "# ..."). Returns
 * DEPIN_OK; DEPIN_EINVAL when a result fails its reference check; DEPIN_ENOMEM; DEPIN_EUNSUPPORTED
 * when a GPU was found but failed mid-way. Details go to diag. */
enum depin_status calibrate_measure(const struct calibrate_opts *opts, FILE *report,
                                    struct device_profile *d, diag_t *diag);

/* calibrate_measure, then writes the profile to opts->output (or report). Returns as
 * calibrate_measure, or DEPIN_EIO when the profile cannot be written. */
enum depin_status calibrate_run(const struct calibrate_opts *opts, FILE *report, diag_t *diag);

/* 0G's DA encoding rate scaled to a device (method in gpu/profiles/README.md): the GPU anchor
 * 3.16 GB/s x gemm fp32 / RTX 4090's, or the CPU anchor 224 MB/s x gemm fp32 / 1.02 TFLOP/s. */
double calibrate_da_encode_Bps(double gemm_fp32_flops, bool gpu);

#endif
