/* pqueue.h: a binary min-heap of (key, id) pairs: event queues and Dijkstra's frontier.
 * Equal keys leave in order of id, so a run never depends on how the heap was filled. */
#ifndef DEPINSIM_SIM_BASE_PQUEUE_H
#define DEPINSIM_SIM_BASE_PQUEUE_H

#include <stddef.h>
#include <stdint.h>

struct pqueue_item {
  double key;
  uint64_t id;
};

typedef struct pqueue pqueue_t;

/* An empty heap; NULL only when out of memory. Free with pqueue_free (NULL: no-op). */
pqueue_t *pqueue_new(void);
void pqueue_free(pqueue_t *q);
/* Adds an item; out of memory asserts. */
void pqueue_push(pqueue_t *q, double key, uint64_t id);
/* The smallest item (equal keys: the smallest id); the heap must not be empty. */
struct pqueue_item pqueue_top(const pqueue_t *q);
struct pqueue_item pqueue_pop(pqueue_t *q);
size_t pqueue_size(const pqueue_t *q);

#endif
