/* ring.c: the growing ring buffer of ring.h. */
#include "sim/base/ring.h"

#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

#include "sim/base/mem.h"

void ring_free(struct ring *r)
{
  free(r->items);
  *r = ring_new(r->item_size);
}

void *ring_at(const struct ring *r, size_t i)
{
  xbt_assert(i < r->size, "ring item %zu of %zu", i, r->size);
  return r->items + ((r->head + i) % r->capacity) * r->item_size;
}

/* Doubles the capacity, unrolling the ring so that the front is at 0. */
static void grow(struct ring *r)
{
  size_t capacity = r->capacity ? 2 * r->capacity : 64;
  unsigned char *items = mem_calloc(capacity, r->item_size);
  for (size_t i = 0; i < r->size; i++)
    memcpy(items + i * r->item_size, ring_at(r, i), r->item_size);
  free(r->items);
  r->items = items;
  r->head = 0;
  r->capacity = capacity;
}

void *ring_push_back(struct ring *r)
{
  if (r->size == r->capacity)
    grow(r);
  r->size++;
  void *item = ring_at(r, r->size - 1);
  memset(item, 0, r->item_size);
  return item;
}

void *ring_push_front(struct ring *r)
{
  if (r->size == r->capacity)
    grow(r);
  r->head = (r->head + r->capacity - 1) % r->capacity;
  r->size++;
  void *item = ring_at(r, 0);
  memset(item, 0, r->item_size);
  return item;
}

void ring_pop_front(struct ring *r)
{
  xbt_assert(r->size > 0, "pop from an empty ring");
  r->head = (r->head + 1) % r->capacity;
  r->size--;
}
