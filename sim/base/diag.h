/* diag.h: a list of diagnostics (errors and warnings) about user input.
 *
 * Loading a scenario or a profile reports every problem it finds, not only the first, so the
 * checks append here and the caller prints the whole list once. Each entry is one line:
 *   file:line:col: key.path: what is wrong (allowed: ...)
 * where the position and path are known, and fewer parts where they are not. */
#ifndef DEPINSIM_SIM_BASE_DIAG_H
#define DEPINSIM_SIM_BASE_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum diag_level { DIAG_ERROR, DIAG_WARNING };

typedef struct diag diag_t;

/* A new, empty list. Returns NULL only when out of memory. Free with diag_free. */
diag_t *diag_new(void);
void diag_free(diag_t *d);

/* Appends one entry. file may be NULL (then line/col are ignored); line and col are 1-based,
 * 0 when unknown; path may be NULL. Out of memory is a programmer's error (asserts). */
void diag_add(diag_t *d, enum diag_level level, const char *file, int line, int col,
              const char *path, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

size_t diag_count(const diag_t *d);
size_t diag_error_count(const diag_t *d);
/* The i-th entry as one formatted line (no newline), borrowed until diag_free. */
const char *diag_line(const diag_t *d, size_t i);
/* Writes every entry, one a line. */
void diag_print(const diag_t *d, FILE *out);
/* True when some entry's text contains needle: for tests. */
bool diag_contains(const diag_t *d, const char *needle);

#endif
