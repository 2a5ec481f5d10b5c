/* profile.h: calibration profiles: what each device's compute costs.
 *
 * A profile file (YAML) holds one or more device entries with measured or datasheet rates;
 * `depinsim calibrate` writes them, scenarios name them in `calibration:`. The simulator turns
 * work into time with these rates: a job of F FLOPs at precision P on a node of g GPUs takes
 * F / (g x rate_P x efficiency). */
#ifndef DEPINSIM_SIM_DEVICE_PROFILE_H
#define DEPINSIM_SIM_DEVICE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/base/diag.h"
#include "sim/base/status.h"

enum precision { PREC_FP32, PREC_TF32, PREC_FP16, PREC_BF16, PREC_COUNT };
extern const char *const precision_names[]; /* "fp32", "tf32", "fp16", "bf16", NULL */

/* The rates a profile carries, in the order profile files list them. Each is one YAML mapping
 * `{value: V, unit: U}` (see gpu/profiles/README.md); gemm.* sit under `gemm:`. */
enum profile_rate {
  PROFILE_MEMORY,     /* "memory", bytes */
  PROFILE_GEMM_FP32,  /* "gemm.fp32", FLOP/s */
  PROFILE_GEMM_TF32,  /* "gemm.tf32", FLOP/s */
  PROFILE_GEMM_FP16,  /* "gemm.fp16", FLOP/s */
  PROFILE_GEMM_BF16,  /* "gemm.bf16", FLOP/s */
  PROFILE_MEM_BW,     /* "mem_bw", B/s */
  PROFILE_H2D,        /* "h2d", B/s */
  PROFILE_D2H,        /* "d2h", B/s */
  PROFILE_RS_ENCODE,  /* "rs_encode", B/s of data at geometry rs_k + rs_m */
  PROFILE_DA_ENCODE,  /* "da_encode", B/s of blob */
  PROFILE_SIG_VERIFY, /* "sig_verify", 1/s */
  PROFILE_RATE_COUNT
};

/* How repetitions of a measured rate spread: the value itself is their median. reps = 0 when
 * the rate was not measured (datasheet figures). */
struct profile_spread {
  double min, max;
  int reps;
};

/* One device's rates. A rate of 0 means "not measured / not supported". */
struct device_profile {
  char *name;                    /* "H100-SXM", "RTX-4090", "cpu-<model>" */
  bool measured;                 /* source: measured (true) or datasheet (false) */
  char *origin;                  /* the command that measured it, or the datasheet cited */
  char *date;                    /* ISO date */
  char *driver;                  /* driver / library versions, or NULL */
  char *toolkit;                 /* CUDA toolkit or BLAS build, or NULL */
  double memory_bytes;           /* device memory, for memory-fit checks */
  double gemm_flops[PREC_COUNT]; /* dense matrix product FLOP/s per precision */
  double mem_bw_Bps;             /* device memory bandwidth, bytes read + written per second */
  double h2d_Bps, d2h_Bps;       /* host <-> device, pinned */
  double rs_encode_Bps;          /* GF(2^8) Reed-Solomon encode, data bytes per second */
  int rs_k, rs_m;                /* the geometry rs_encode_Bps was taken at (k data, m parity) */
  double da_encode_Bps;          /* 0G-style DA blob encoding + KZG commitment, blob bytes/s */
  double sig_verify_per_s;       /* Ed25519 verifications per second (host CPU) */
  struct profile_spread spread[PROFILE_RATE_COUNT]; /* for measured rates */
  char *note[PROFILE_RATE_COUNT]; /* how a rate was obtained (method, citation), or NULL */
};

/* The version of the file layout (`format:`) written and read. */
#define PROFILE_FORMAT "1"

/* The YAML key of a rate ("gemm.bf16"), its base unit ("FLOP/s"); static strings. Whether every
 * profile must give it (memory, gemm.fp32, mem_bw, h2d, d2h, rs_encode, da_encode, sig_verify). */
const char *profile_rate_key(enum profile_rate r);
const char *profile_rate_unit(enum profile_rate r);
bool profile_rate_required(enum profile_rate r);
/* The field of d that holds rate r. Cannot fail. */
double *profile_rate_slot(struct device_profile *d, enum profile_rate r);
double profile_rate_get(const struct device_profile *d, enum profile_rate r);

/* Frees the strings a device_profile owns (every char * in it, which must come from malloc) and
 * zeroes it; the struct itself is the caller's. NULL is a no-op. */
void device_profile_fini(struct device_profile *d);

typedef struct profile_set profile_set_t;

/* Loads every device of the named files. On a missing file or malformed entry, reports each
 * problem as "file:line:col: key: what is wrong" to diag and returns NULL (nothing loaded).
 * A device name given twice keeps the later file's entry, with a warning. Free with
 * profile_set_free. */
profile_set_t *profile_set_load(const char *const paths[], size_t n, diag_t *diag);
void profile_set_free(profile_set_t *set);

/* The device of that name (exact match, then case-insensitive), borrowed until
 * profile_set_free; NULL when absent. */
const struct device_profile *profile_set_find(const profile_set_t *set, const char *name);
size_t profile_set_count(const profile_set_t *set);
const struct device_profile *profile_set_at(const profile_set_t *set, size_t i);
/* "H100-SXM, RTX-4090, ..." for error messages; owned by the caller (free()). */
char *profile_set_names(const profile_set_t *set);

/* A device's rate at precision p, falling back to the nearest lower-precision rate it has
 * (bf16 -> fp16 -> tf32 -> fp32) so a datasheet without one figure still works; 0 if none. */
double profile_gemm_rate(const struct device_profile *d, enum precision p);

/* Seconds that F FLOPs at precision p take on a node of gpus devices d at efficiency eff. */
double profile_compute_seconds(const struct device_profile *d, enum precision p, double flops,
                               int gpus, double efficiency);

/* Writes one device as a profile file (YAML) to out. Returns DEPIN_OK or DEPIN_EIO. */
enum depin_status profile_write(const struct device_profile *d, FILE *out);

#endif
