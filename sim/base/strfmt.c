/* strfmt.c: printf into an owned string (see strfmt.h), over vasprintf. */
#include "sim/base/strfmt.h"

#include <stdio.h>
#include <xbt/asserts.h>

char *strfmt_v(const char *fmt, va_list ap)
{
  char *s = NULL;
  int n = vasprintf(&s, fmt, ap);
  xbt_assert(n >= 0, "out of memory formatting a string");
  return s;
}

char *strfmt(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *s = strfmt_v(fmt, ap);
  va_end(ap);
  return s;
}
