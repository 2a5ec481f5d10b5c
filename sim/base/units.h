/* units.h: quantities with units, as scenario files write them ("250ms", "10Gbps", "32MiB").
 *
 * Every quantity is converted to one base unit per kind, and the whole program computes in
 * those: seconds, bytes, bytes per second, events per second. Bandwidths may be written in
 * bits (bps Kbps Mbps Gbps Tbps, decimal) or bytes (B/s KB/s MB/s GB/s TB/s KiB/s MiB/s GiB/s,
 * and SimGrid's Bps spellings); both become bytes per second. Sizes: B KB MB GB TB (decimal)
 * and KiB MiB GiB TiB (binary). Times: us ms s min h d. Rates: /s /min /h /d.
 * Compute rates (calibration profiles): FLOP/s GFLOP/s TFLOP/s PFLOP/s. */
#ifndef DEPINSIM_SIM_BASE_UNITS_H
#define DEPINSIM_SIM_BASE_UNITS_H

#include <stddef.h>

enum unit_kind {
  UNIT_NUMBER,    /* dimensionless; no suffix, also "2/3" style fractions and "5%" */
  UNIT_TIME,      /* seconds */
  UNIT_SIZE,      /* bytes */
  UNIT_BANDWIDTH, /* bytes per second */
  UNIT_RATE,      /* events per second */
  UNIT_COMPUTE,   /* floating-point operations per second */
  UNIT_KIND_COUNT
};

/* Parses text as a quantity of the given kind into *out (base unit). A UNIT_NUMBER accepts a
 * plain number (1e9, 0.5), a fraction "2/3" and a percentage "5%". Other kinds require a unit;
 * spaces may separate number and unit. Returns 0 on success; otherwise -1 with *why set to a
 * static explanation ("unknown unit", "a time needs a unit", "a unit of another kind of
 * quantity", "not a number", "not a finite number", ...; the caller quotes the text), and
 * *out unchanged. why may be NULL. */
int units_parse(const char *text, enum unit_kind kind, double *out, const char **why);

/* The accepted unit suffixes of a kind, for error messages: "us ms s min h d". Static. */
const char *units_allowed(enum unit_kind kind);

/* The base unit's symbol for a kind: "s", "B", "B/s", "/s", "". Static. */
const char *units_base_symbol(enum unit_kind kind);

/* The kind a unit suffix belongs to, from a whole text ("50GB/s" -> UNIT_BANDWIDTH, "2s" ->
 * UNIT_TIME, "11000" -> UNIT_NUMBER). Returns -1 when the suffix is unknown. */
int units_kind_of(const char *text);

/* Writes value (base unit) in a readable unit of the kind ("2.75 MB/s", "1.5 h", "32 MiB"),
 * to buf of size n, always NUL-terminated. Returns buf. Cannot fail. */
char *units_format(double value, enum unit_kind kind, char *buf, size_t n);

#endif
