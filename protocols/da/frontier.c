/* frontier.c: range-counted acceptance of a quorum's blobs (frontier.h). */
#include "protocols/da/frontier.h"

#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

struct frontier {
  long threshold;
  size_t position;  /* first undecided blob */
  long cover;       /* slots holding blob `position` */
  size_t base;      /* blob index of starts[0] / ends[0] */
  size_t capacity;
  long *starts, *ends;
};

frontier_t *frontier_new(long threshold)
{
  frontier_t *f = calloc(1, sizeof(*f));
  if (!f)
    return NULL;
  f->threshold = threshold;
  f->capacity = 1024;
  f->starts = calloc(f->capacity, sizeof(long));
  f->ends = calloc(f->capacity, sizeof(long));
  if (!f->starts || !f->ends) {
    frontier_free(f);
    return NULL;
  }
  return f;
}

void frontier_free(frontier_t *f)
{
  if (!f)
    return;
  free(f->starts);
  free(f->ends);
  free(f);
}

/* Makes index i (>= base) addressable, first dropping the buckets behind the frontier. */
static void reserve(frontier_t *f, size_t i)
{
  if (i - f->base < f->capacity)
    return;
  size_t drop = f->position - f->base, keep = f->capacity - drop;
  memmove(f->starts, f->starts + drop, keep * sizeof(long));
  memmove(f->ends, f->ends + drop, keep * sizeof(long));
  memset(f->starts + keep, 0, drop * sizeof(long));
  memset(f->ends + keep, 0, drop * sizeof(long));
  f->base = f->position;
  if (i - f->base < f->capacity)
    return;
  size_t capacity = f->capacity;
  while (i - f->base >= capacity)
    capacity *= 2;
  f->starts = realloc(f->starts, capacity * sizeof(long));
  f->ends = realloc(f->ends, capacity * sizeof(long));
  xbt_assert(f->starts && f->ends, "out of memory");
  memset(f->starts + f->capacity, 0, (capacity - f->capacity) * sizeof(long));
  memset(f->ends + f->capacity, 0, (capacity - f->capacity) * sizeof(long));
  f->capacity = capacity;
}

void frontier_cover(frontier_t *f, size_t a, size_t b, long slots)
{
  xbt_assert(b > a, "empty range [%zu, %zu)", a, b);
  if (b <= f->position)
    return;
  reserve(f, b);
  f->ends[b - f->base] += slots;
  if (a <= f->position)
    f->cover += slots;
  else
    f->starts[a - f->base] += slots;
}

/* Moves the frontier to the next blob. */
static void step(frontier_t *f)
{
  f->position++;
  reserve(f, f->position);
  f->cover += f->starts[f->position - f->base] - f->ends[f->position - f->base];
}

size_t frontier_advance(frontier_t *f, size_t limit)
{
  size_t accepted = 0;
  while (f->position < limit && f->cover >= f->threshold) {
    step(f);
    accepted++;
  }
  return accepted;
}

void frontier_skip(frontier_t *f)
{
  step(f);
}

size_t frontier_position(const frontier_t *f)
{
  return f->position;
}

long frontier_head_cover(const frontier_t *f)
{
  return f->cover;
}
