/* diag.c: the list of input diagnostics described in diag.h. */
#include "sim/base/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

#include "sim/base/strfmt.h"

struct diag_entry {
  enum diag_level level;
  char *line;
};

struct diag {
  struct diag_entry *entries;
  size_t count, capacity, errors;
};

diag_t *diag_new(void)
{
  return calloc(1, sizeof(struct diag));
}

void diag_free(diag_t *d)
{
  if (!d)
    return;
  for (size_t i = 0; i < d->count; i++)
    free(d->entries[i].line);
  free(d->entries);
  free(d);
}

/* "file:line:col: key.path: " as docs/scenario.md gives it; warnings add "warning: ". */
static char *format_prefix(enum diag_level level, const char *file, int line, int col,
                           const char *path)
{
  char position[512] = "";
  if (file && line > 0)
    snprintf(position, sizeof(position), "%s:%d:%d: ", file, line, col);
  else if (file)
    snprintf(position, sizeof(position), "%s: ", file);
  return strfmt("%s%s%s%s", position, path ? path : "", path ? ": " : "",
                level == DIAG_WARNING ? "warning: " : "");
}

void diag_add(diag_t *d, enum diag_level level, const char *file, int line, int col,
              const char *path, const char *fmt, ...)
{
  char *prefix = format_prefix(level, file, line, col, path);
  va_list ap;
  va_start(ap, fmt);
  char *message = strfmt_v(fmt, ap);
  va_end(ap);

  if (d->count == d->capacity) {
    d->capacity = d->capacity ? 2 * d->capacity : 8;
    d->entries = realloc(d->entries, d->capacity * sizeof(*d->entries));
    xbt_assert(d->entries, "out of memory growing the diagnostic list");
  }
  char *whole = strfmt("%s%s", prefix, message);
  free(prefix);
  free(message);
  d->entries[d->count++] = (struct diag_entry){level, whole};
  if (level == DIAG_ERROR)
    d->errors++;
}

size_t diag_count(const diag_t *d)
{
  return d->count;
}

size_t diag_error_count(const diag_t *d)
{
  return d->errors;
}

const char *diag_line(const diag_t *d, size_t i)
{
  xbt_assert(i < d->count, "diagnostic %zu out of %zu", i, d->count);
  return d->entries[i].line;
}

void diag_print(const diag_t *d, FILE *out)
{
  for (size_t i = 0; i < d->count; i++)
    fprintf(out, "%s\n", d->entries[i].line);
}

bool diag_contains(const diag_t *d, const char *needle)
{
  for (size_t i = 0; i < d->count; i++)
    if (strstr(d->entries[i].line, needle))
      return true;
  return false;
}
