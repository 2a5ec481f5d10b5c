/* profile_write.c: writes one device as a profile file (the layout profile.c reads). */
#include "sim/device/profile.h"

#include <stdio.h>

/* A YAML double-quoted scalar. */
static void put_quoted(FILE *out, const char *s)
{
  fputc('"', out);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      fputc('\\', out);
    if (*s == '\n')
      fputs("\\n", out);
    else
      fputc(*s, out);
  }
  fputc('"', out);
}

static void write_rate(const struct device_profile *d, enum profile_rate r, FILE *out,
                       const char *indent, const char *key)
{
  double v = profile_rate_get(d, r);
  if (v <= 0 && !profile_rate_required(r))
    return;
  fprintf(out, "%s%s: {value: %.9g, unit: %s", indent, key, v, profile_rate_unit(r));
  if (d->spread[r].reps > 0)
    fprintf(out, ", min: %.9g, max: %.9g, reps: %d", d->spread[r].min, d->spread[r].max,
            d->spread[r].reps);
  if (r == PROFILE_RS_ENCODE && d->rs_k > 0)
    fprintf(out, ", k: %d, m: %d", d->rs_k, d->rs_m);
  if (d->note[r]) {
    fputs(", note: ", out);
    put_quoted(out, d->note[r]);
  }
  fputs("}\n", out);
}

static void write_string(FILE *out, const char *key, const char *v)
{
  if (!v)
    return;
  fprintf(out, "    %s: ", key);
  put_quoted(out, v);
  fputc('\n', out);
}

enum depin_status profile_write(const struct device_profile *d, FILE *out)
{
  fputs("# depinsim calibration profile (layout: gpu/profiles/README.md)\nformat: " PROFILE_FORMAT "\n"
        "devices:\n", out);
  fputs("  - name: ", out);
  put_quoted(out, d->name ? d->name : "");
  fprintf(out, "\n    source: %s\n", d->measured ? "measured" : "datasheet");
  write_string(out, "origin", d->origin ? d->origin : "");
  write_string(out, "date", d->date ? d->date : "");
  write_string(out, "driver", d->driver);
  write_string(out, "toolkit", d->toolkit);
  write_rate(d, PROFILE_MEMORY, out, "    ", "memory");
  fputs("    gemm:\n", out);
  for (int p = 0; p < PREC_COUNT; p++)
    write_rate(d, (enum profile_rate)(PROFILE_GEMM_FP32 + p), out, "      ", precision_names[p]);
  for (int r = PROFILE_MEM_BW; r < PROFILE_RATE_COUNT; r++)
    write_rate(d, (enum profile_rate)r, out, "    ", profile_rate_key(r));
  fflush(out);
  return ferror(out) ? DEPIN_EIO : DEPIN_OK;
}
