/* calibrate.c: the `depinsim calibrate` driver: choose the device, measure, write the profile.
 *
 * Each figure is the median of its repetitions, with min and max kept as the spread. Report
 * lines start with "# " so that the report followed by the profile is itself a valid profile. */
#include "gpu/calibrate.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gpu/cpu_kernels.h"
#include "sim/base/paths.h"
#include "sim/base/strfmt.h"
#ifdef DEPINSIM_HAVE_CUDA
#include "gpu/cuda_calibrate.h"
#endif

/* 0G's published DA encoding rates ("older docs page", see docs/reference/0g.md): CPU
 * 100-500 MB/s, GPU (RTX 4090) 2-5 GB/s. We take the geometric mean of each range. */
#define OG_DA_CPU_LOW_BPS 100e6
#define OG_DA_CPU_HIGH_BPS 500e6
#define OG_DA_GPU_LOW_BPS 2e9
#define OG_DA_GPU_HIGH_BPS 5e9
/* The GPU anchor's FP32 rate: RTX 4090, 82.6 TFLOP/s (NVIDIA Ada whitepaper v2.1, Appendix A). */
#define OG_DA_GPU_REF_FP32_FLOPS 82.6e12
/* 0G does not name its CPU. Assumed: a 16-core AVX2 server at 2 GHz, 16 x 32 FLOP/cycle x 2e9 =
 * 1.024 TFLOP/s fp32 peak. An assumption, written in every profile that uses it. */
#define OG_DA_CPU_REF_FP32_FLOPS 1.024e12

/* The RS geometry a profile records: the largest the issue names (k + m = 255). */
#define RS_PROFILE_K 170
#define RS_PROFILE_M 85
/* A common small geometry, printed for comparison only. */
#define RS_SMALL_K 10
#define RS_SMALL_M 4

#define MAX_REPS 32

/* Sizes and repetitions of one calibration run. */
struct plan {
  int reps;     /* CPU repetitions */
  int gpu_reps; /* GPU repetitions: each is milliseconds, so more of them */
  int cpu_gemm_n;
  size_t cpu_copy_bytes;
  size_t rs_len_bytes;
  int sig_count;
  int gpu_gemm_n, gpu_gemm_fp32_n;
  size_t gpu_copy_bytes, gpu_host_bytes, gpu_rs_len_bytes;
};

static const struct plan plan_full = {
  .reps = 9, .gpu_reps = 21, .cpu_gemm_n = 2048, .cpu_copy_bytes = 256u << 20, .rs_len_bytes = 64u << 10,
  .sig_count = 2000, .gpu_gemm_n = 16384, .gpu_gemm_fp32_n = 8192,
  .gpu_copy_bytes = (size_t)4 << 30, .gpu_host_bytes = (size_t)1 << 30,
  .gpu_rs_len_bytes = (size_t)4 << 20,
};
static const struct plan plan_quick = {
  .reps = 3, .gpu_reps = 3, .cpu_gemm_n = 384, .cpu_copy_bytes = 16u << 20, .rs_len_bytes = 4u << 10,
  .sig_count = 200, .gpu_gemm_n = 2048, .gpu_gemm_fp32_n = 2048,
  .gpu_copy_bytes = 256u << 20, .gpu_host_bytes = 64u << 20, .gpu_rs_len_bytes = 64u << 10,
};

enum depin_status calibrate_device_parse(const char *s, enum calibrate_device *out)
{
  static const char *const names[] = {"auto", "cuda", "cpu"};
  for (int i = 0; i < 3; i++)
    if (!strcmp(s, names[i])) {
      *out = (enum calibrate_device)i;
      return DEPIN_OK;
    }
  return DEPIN_EINVAL;
}

double calibrate_da_encode_Bps(double gemm_fp32_flops, bool gpu)
{
  if (gpu)
    return sqrt(OG_DA_GPU_LOW_BPS * OG_DA_GPU_HIGH_BPS) * gemm_fp32_flops /
           OG_DA_GPU_REF_FP32_FLOPS;
  return sqrt(OG_DA_CPU_LOW_BPS * OG_DA_CPU_HIGH_BPS) * gemm_fp32_flops /
         OG_DA_CPU_REF_FP32_FLOPS;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Stores the median of rates as rate r of d, with its spread, and prints it. */
static void record(struct device_profile *d, enum profile_rate r, double *rates, int reps,
                   FILE *report, const char *what, double shown_scale, const char *shown_unit)
{
  qsort(rates, (size_t)reps, sizeof *rates, cmp_double);
  double med = reps % 2 ? rates[reps / 2] : 0.5 * (rates[reps / 2 - 1] + rates[reps / 2]);
  *profile_rate_slot(d, r) = med;
  d->spread[r] = (struct profile_spread){rates[0], rates[reps - 1], reps};
  fprintf(report, "# %-34s %10.4g %-8s (min %.4g, max %.4g, %d reps)\n", what, med / shown_scale,
          shown_unit, rates[0] / shown_scale, rates[reps - 1] / shown_scale, reps);
  fflush(report);
}

static void set_note(struct device_profile *d, enum profile_rate r, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void set_note(struct device_profile *d, enum profile_rate r, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  free(d->note[r]);
  d->note[r] = strfmt_v(fmt, ap);
  va_end(ap);
}

/* "cpu-amd-epyc" from /proc/cpuinfo's model name. Owned by the caller. */
static char *cpu_device_name(void)
{
  char line[256], model[200] = "unknown";
  FILE *f = fopen("/proc/cpuinfo", "r");
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
      snprintf(model, sizeof model, "%s", strchr(line, ':') + 2);
      break;
    }
  if (f)
    fclose(f);
  char *name = malloc(strlen(model) + 5), *o = name;
  if (!name)
    return NULL;
  o += sprintf(o, "cpu-");
  for (const char *s = model; *s; s++)
    if (isalnum((unsigned char)*s))
      *o++ = (char)tolower((unsigned char)*s);
    else if (o[-1] != '-')
      *o++ = '-';
  while (o[-1] == '-')
    o--;
  *o = 0;
  return name;
}

/* The sig_verify rate and the host's description, common to both devices. */
static enum depin_status measure_host(const struct plan *p, FILE *report,
                                      struct device_profile *d, diag_t *diag)
{
  double rates[MAX_REPS];
  enum depin_status st = cpu_sig_verify(p->sig_count, p->reps, rates, diag);
  if (st != DEPIN_OK)
    return st;
  record(d, PROFILE_SIG_VERIFY, rates, p->reps, report, "Ed25519 verify (libsodium, 1 core)",
         1, "/s");
  set_note(d, PROFILE_SIG_VERIFY, "libsodium %s crypto_sign_verify_detached, one core, %d "
           "signed 256-byte messages per repetition", sodium_version_string(), p->sig_count);
  return DEPIN_OK;
}

static enum depin_status measure_cpu(const struct plan *p, FILE *report,
                                     struct device_profile *d, diag_t *diag)
{
  double rates[MAX_REPS];
  enum depin_status st;
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  d->name = cpu_device_name();
  d->memory_bytes = (double)pages * (double)page;
  d->driver = strfmt("%s (sgemm, %ld online cores), ISA-L ec_encode_data, libsodium %s",
                     cpu_blas_config(), sysconf(_SC_NPROCESSORS_ONLN), sodium_version_string());
  fprintf(report, "# device: %s (CPU), %.1f GiB memory\n", d->name, d->memory_bytes / 1073741824.0);
  if ((st = cpu_gemm_fp32(p->cpu_gemm_n, p->reps, rates, diag)))
    return st;
  record(d, PROFILE_GEMM_FP32, rates, p->reps, report, "GEMM fp32 (OpenBLAS sgemm, all cores)", 1e9,
         "GFLOP/s");
  set_note(d, PROFILE_GEMM_FP32, "OpenBLAS sgemm n=%d, all cores, checked against float64", p->cpu_gemm_n);
  if ((st = cpu_stream_copy(p->cpu_copy_bytes, p->reps, rates, diag)))
    return st;
  record(d, PROFILE_MEM_BW, rates, p->reps, report, "memory copy (memcpy, read+write)", 1e9,
         "GB/s");
  set_note(d, PROFILE_MEM_BW, "memcpy of %zu MiB, bytes read plus written",
           p->cpu_copy_bytes >> 20);
  /* host memory is the CPU's device memory: no transfer beyond a copy */
  d->h2d_Bps = d->d2h_Bps = d->mem_bw_Bps / 2;
  set_note(d, PROFILE_H2D, "CPU: no host-device link; half the copy rate (bytes moved one way)");
  set_note(d, PROFILE_D2H, "CPU: no host-device link; half the copy rate (bytes moved one way)");
  if ((st = cpu_rs_encode(RS_SMALL_K, RS_SMALL_M, p->rs_len_bytes * 16, p->reps, rates, diag)))
    return st;
  record(d, PROFILE_RS_ENCODE, rates, p->reps, report, "RS encode k=10 m=4 (ISA-L)", 1e6, "MB/s");
  if ((st = cpu_rs_encode(RS_PROFILE_K, RS_PROFILE_M, p->rs_len_bytes, p->reps, rates, diag)))
    return st;
  record(d, PROFILE_RS_ENCODE, rates, p->reps, report, "RS encode k=170 m=85 (ISA-L)", 1e6,
         "MB/s");
  d->rs_k = RS_PROFILE_K;
  d->rs_m = RS_PROFILE_M;
  set_note(d, PROFILE_RS_ENCODE, "ISA-L ec_encode_data, one core, Cauchy matrix, %zu-byte "
           "slices; data bytes/s; cost per data byte grows about linearly with m",
           p->rs_len_bytes);
  d->da_encode_Bps = calibrate_da_encode_Bps(d->gemm_flops[PREC_FP32], false);
  set_note(d, PROFILE_DA_ENCODE, "not measured (BN254, not GF(2^8)): 0G's CPU rate 100-500 MB/s "
           "(geometric mean 224 MB/s) x this CPU's measured fp32 GEMM / 1.024 TFLOP/s (assumed "
           "0G reference: 16-core AVX2 server at 2 GHz)");
  fprintf(report, "# %-34s %10.4g %-8s (0G's CPU rate scaled by fp32 GEMM)\n",
          "DA encode (0G, scaled)", d->da_encode_Bps / 1e6, "MB/s");
  return measure_host(p, report, d, diag);
}

#ifdef DEPINSIM_HAVE_CUDA
/* The scenario name of a GPU from CUDA's ("NVIDIA H100 80GB HBM3" -> "H100-SXM"), or the CUDA
 * name with spaces as dashes. Owned by the caller. */
static char *gpu_profile_name(const char *cuda_name)
{
  static const struct {
    const char *has, *also, *name;
  } known[] = {
    {"H200", "", "H200"},         {"H100", "HBM3", "H100-SXM"}, {"H100", "SXM", "H100-SXM"},
    {"A100", "80GB", "A100-80GB"}, {"4090", "", "RTX-4090"},    {"3090", "", "RTX-3090"},
    {"L40S", "", "L40S"},         {"V100", "", "V100"},
  };
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (strstr(cuda_name, known[i].has) && strstr(cuda_name, known[i].also))
      return strdup(known[i].name);
  char *name = strdup(cuda_name);
  for (char *c = name; c && *c; c++)
    if (*c == ' ')
      *c = '-';
  return name;
}

static double median_of(const double *rates, int reps)
{
  double sorted[MAX_REPS];
  memcpy(sorted, rates, sizeof *rates * (size_t)reps);
  qsort(sorted, (size_t)reps, sizeof *sorted, cmp_double);
  return reps % 2 ? sorted[reps / 2] : 0.5 * (sorted[reps / 2 - 1] + sorted[reps / 2]);
}

/* cuBLAS's best at precision q: the better of two sizes (n/2 and n), both printed. */
static enum depin_status measure_cuda_gemm(cuda_bench_t *b, const struct plan *p,
                                           enum precision q, FILE *report,
                                           struct device_profile *d, diag_t *diag)
{
  double rates[MAX_REPS], best[MAX_REPS], best_median = -1;
  int n_top = q == PREC_FP32 ? p->gpu_gemm_fp32_n : p->gpu_gemm_n, best_n = 0;
  for (int n = n_top / 2; n <= n_top; n *= 2) {
    enum depin_status st = cuda_bench_gemm(b, q, n, p->gpu_reps, rates, diag);
    if (st != DEPIN_OK)
      return st;
    double med = median_of(rates, p->gpu_reps);
    fprintf(report, "#   GEMM %s n=%d: %.4g TFLOP/s median\n", precision_names[q], n, med / 1e12);
    if (med > best_median) {
      best_median = med;
      best_n = n;
      memcpy(best, rates, sizeof rates);
    }
  }
  char what[64];
  snprintf(what, sizeof what, "GEMM %s (cublasGemmEx n=%d)", precision_names[q], best_n);
  record(d, (enum profile_rate)(PROFILE_GEMM_FP32 + q), best, p->gpu_reps, report, what, 1e12,
         "TFLOP/s");
  set_note(d, (enum profile_rate)(PROFILE_GEMM_FP32 + q), "cublasGemmEx, the better of n=%d and "
           "n=%d (n=%d), fp32 accumulate, checked against float64", n_top / 2, n_top, best_n);
  return DEPIN_OK;
}

static enum depin_status measure_cuda(cuda_bench_t *b, const struct plan *p, FILE *report,
                                      struct device_profile *d, diag_t *diag)
{
  double rates[MAX_REPS];
  enum depin_status st;
  char name[256], driver[256], toolkit[256];
  cuda_bench_describe(b, name, sizeof name, &d->memory_bytes, driver, sizeof driver, toolkit,
                      sizeof toolkit);
  d->name = gpu_profile_name(name);
  d->driver = strdup(driver);
  d->toolkit = strdup(toolkit);
  fprintf(report, "# device: %s (%s), %.1f GiB; %s; %s\n", d->name, name, d->memory_bytes / 1073741824.0,
          driver, toolkit);
  for (int q = 0; q < PREC_COUNT; q++)
    if ((st = measure_cuda_gemm(b, p, (enum precision)q, report, d, diag)))
      return st;
  if ((st = cuda_bench_d2d(b, p->gpu_copy_bytes, p->gpu_reps, rates, diag)))
    return st;
  record(d, PROFILE_MEM_BW, rates, p->gpu_reps, report, "D2D copy (read+write)", 1e9, "GB/s");
  if ((st = cuda_bench_host_copy(b, true, p->gpu_host_bytes, p->gpu_reps, rates, diag)))
    return st;
  record(d, PROFILE_H2D, rates, p->gpu_reps, report, "H2D (pinned)", 1e9, "GB/s");
  if ((st = cuda_bench_host_copy(b, false, p->gpu_host_bytes, p->gpu_reps, rates, diag)))
    return st;
  record(d, PROFILE_D2H, rates, p->gpu_reps, report, "D2H (pinned)", 1e9, "GB/s");
  if ((st = cuda_bench_rs_encode(b, RS_SMALL_K, RS_SMALL_M, p->gpu_rs_len_bytes * 4, p->gpu_reps,
                                 rates, diag)))
    return st;
  record(d, PROFILE_RS_ENCODE, rates, p->gpu_reps, report, "RS encode k=10 m=4 (our kernel)", 1e9,
         "GB/s");
  if ((st = cuda_bench_rs_encode(b, RS_PROFILE_K, RS_PROFILE_M, p->gpu_rs_len_bytes, p->gpu_reps,
                                 rates, diag)))
    return st;
  record(d, PROFILE_RS_ENCODE, rates, p->gpu_reps, report, "RS encode k=170 m=85 (our kernel)", 1e9,
         "GB/s");
  d->rs_k = RS_PROFILE_K;
  d->rs_m = RS_PROFILE_M;
  set_note(d, PROFILE_RS_ENCODE, "our CUDA kernel (log/exp tables in shared memory), identical "
           "to ISA-L; data bytes/s; %.0f%% of mem_bw in data+parity bytes",
           100.0 * d->rs_encode_Bps * (RS_PROFILE_K + RS_PROFILE_M) / RS_PROFILE_K /
             d->mem_bw_Bps);
  fprintf(report, "# RS k=170 m=85 moves %.0f%% of the measured copy bandwidth\n",
          100.0 * d->rs_encode_Bps * (RS_PROFILE_K + RS_PROFILE_M) / RS_PROFILE_K / d->mem_bw_Bps);
  d->da_encode_Bps = calibrate_da_encode_Bps(d->gemm_flops[PREC_FP32], true);
  set_note(d, PROFILE_DA_ENCODE, "not measured (BN254, not GF(2^8)): 0G's GPU rate on an RTX "
           "4090, 2-5 GB/s (geometric mean 3.16 GB/s), x this GPU's measured fp32 GEMM / 82.6 "
           "TFLOP/s");
  fprintf(report, "# %-34s %10.4g %-8s (0G's GPU rate scaled by fp32 GEMM)\n",
          "DA encode (0G, scaled)", d->da_encode_Bps / 1e9, "GB/s");
  return measure_host(p, report, d, diag);
}
#endif

#ifdef DEPINSIM_HAVE_CUDA
/* Prints each measured rate as a share of the shipped datasheet profile of the same device,
 * when there is one: gpu/profiles/datasheet/<name>.yaml where a measured <name>.yaml replaced
 * it, else gpu/profiles/<name>.yaml. The check of issue 3's GPU targets. */
static void compare_with_datasheet(const struct device_profile *d, FILE *report)
{
  char path[1024], lower[256];
  size_t n = 0;
  for (const char *c = d->name; *c && n < sizeof lower - 1; c++)
    lower[n++] = (char)tolower((unsigned char)*c);
  lower[n] = '\0';
  const char *data = paths_data_dir() ? paths_data_dir() : ".";
  snprintf(path, sizeof path, "%s/gpu/profiles/datasheet/%s.yaml", data, lower);
  if (access(path, R_OK) != 0)
    snprintf(path, sizeof path, "%s/gpu/profiles/%s.yaml", data, lower);
  diag_t *quiet = diag_new();
  const char *paths[] = {path};
  profile_set_t *set = quiet ? profile_set_load(paths, 1, quiet) : NULL;
  const struct device_profile *ds = set ? profile_set_find(set, d->name) : NULL;
  if (ds && !ds->measured) {
    fprintf(report, "# against the datasheet (%s):", path);
    for (int r = PROFILE_GEMM_FP32; r <= PROFILE_D2H; r++) {
      double want = profile_rate_get(ds, (enum profile_rate)r);
      if (want > 0)
        fprintf(report, " %s %.0f%%", profile_rate_key((enum profile_rate)r),
                100.0 * profile_rate_get(d, (enum profile_rate)r) / want);
    }
    fputc('\n', report);
  }
  profile_set_free(set);
  diag_free(quiet);
}
#endif

/* Which device to measure: a cuda_bench when a GPU is wanted and answers, else NULL (CPU). */
static void *open_gpu(const struct calibrate_opts *opts, FILE *report)
{
  if (opts->device == CALIBRATE_CPU)
    return NULL;
#ifdef DEPINSIM_HAVE_CUDA
  char why[256] = "";
  cuda_bench_t *b = cuda_bench_new(why, sizeof why);
  if (b)
    return b;
  fprintf(report, "# no GPU: %s; calibrating the CPU instead\n", why);
#else
  fprintf(report, "# no GPU: this build has no CUDA (nvcc was not found or DEPINSIM_CUDA=OFF); "
          "calibrating the CPU instead\n");
#endif
  return NULL;
}

enum depin_status calibrate_measure(const struct calibrate_opts *opts, FILE *report,
                                    struct device_profile *d, diag_t *diag)
{
  const struct plan *p = opts->quick ? &plan_quick : &plan_full;
  char date[32];
  time_t now = time(NULL);
  struct tm tm;
  strftime(date, sizeof date, "%Y-%m-%d", gmtime_r(&now, &tm));
  memset(d, 0, sizeof *d);
  d->measured = true;
  d->date = strdup(date);
  if (sodium_init() < 0)
    return DEPIN_ENOMEM;
  void *gpu = open_gpu(opts, report);
  bool on_gpu = gpu != NULL;
  if (opts->command)
    d->origin = strdup(opts->command);
  else
    d->origin = strfmt("depinsim calibrate --device %s%s", on_gpu ? "cuda" : "cpu",
                       opts->quick ? " --quick" : "");
  enum depin_status st;
#ifdef DEPINSIM_HAVE_CUDA
  if (on_gpu) {
    st = measure_cuda(gpu, p, report, d, diag);
    cuda_bench_free(gpu);
    if (st == DEPIN_OK)
      compare_with_datasheet(d, report);
    return st;
  }
#endif
  st = measure_cpu(p, report, d, diag);
  return st;
}

enum depin_status calibrate_run(const struct calibrate_opts *opts, FILE *report, diag_t *diag)
{
  struct device_profile d;
  enum depin_status st = calibrate_measure(opts, report, &d, diag);
  FILE *out = NULL;
  if (st != DEPIN_OK)
    goto done;
  out = opts->output ? fopen(opts->output, "w") : report;
  if (!out) {
    diag_add(diag, DIAG_ERROR, opts->output, 0, 0, NULL, "cannot write the profile");
    st = DEPIN_EIO;
    goto done;
  }
  st = profile_write(&d, out);
  if (opts->output && fclose(out) != 0)
    st = DEPIN_EIO;
  if (st == DEPIN_OK && opts->output)
    fprintf(report, "# profile written to %s\n", opts->output);
  else if (st != DEPIN_OK)
    diag_add(diag, DIAG_ERROR, opts->output, 0, 0, NULL, "writing the profile failed");
done:
  device_profile_fini(&d);
  return st;
}
