/* ring.h: a double-ended queue of fixed-size items in a growing ring buffer: the FIFOs of
 * arrivals, mempool batches and DA dispersals. Items are addressed from the front; a pointer
 * to one stays valid until the next push. */
#ifndef DEPINSIM_SIM_BASE_RING_H
#define DEPINSIM_SIM_BASE_RING_H

#include <stddef.h>

struct ring {
  unsigned char *items;
  size_t item_size, head, size, capacity;
};

/* An empty ring of items of item_size bytes (no allocation until the first push). */
static inline struct ring ring_new(size_t item_size)
{
  return (struct ring){.item_size = item_size};
}

void ring_free(struct ring *r);
/* A new zeroed item at the back (or the front); out of memory asserts. */
void *ring_push_back(struct ring *r);
void *ring_push_front(struct ring *r);
/* The i-th item from the front (i < size). */
void *ring_at(const struct ring *r, size_t i);
/* Drops the front item (size > 0). */
void ring_pop_front(struct ring *r);

#endif
