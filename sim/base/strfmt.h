/* strfmt.h: printf into a new string of the right length (asprintf that cannot fail).
 *
 * For messages, paths and parameter lists built from parts: the caller owns the result. Out of
 * memory is not an error a caller could handle here, so it ends the program (xbt_assert). */
#ifndef DEPINSIM_SIM_BASE_STRFMT_H
#define DEPINSIM_SIM_BASE_STRFMT_H

#include <stdarg.h>

/* fmt formatted with the arguments, as a new NUL-terminated string: owned by the caller
 * (free()). Never NULL; out of memory aborts. */
char *strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same with a va_list, for printf-like functions of other modules. ap is used as vprintf
 * uses it: the caller va_ends it and may not use it again. */
char *strfmt_v(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
