/* mem.c: see mem.h. */
#include "sim/base/mem.h"

#include <stdlib.h>
#include <xbt/asserts.h>

void *mem_calloc(size_t n, size_t size)
{
  void *p = calloc(n ? n : 1, size ? size : 1);
  xbt_assert(p, "out of memory allocating %zu x %zu bytes", n, size);
  return p;
}
