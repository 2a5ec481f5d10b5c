/* pqueue.c: binary min-heap (pqueue.h). */
#include "sim/base/pqueue.h"

#include <stdbool.h>
#include <stdlib.h>
#include <xbt/asserts.h>

struct pqueue {
  struct pqueue_item *items;
  size_t n, cap;
};

static bool before(const struct pqueue_item *a, const struct pqueue_item *b)
{
  return a->key < b->key || (a->key == b->key && a->id < b->id);
}

pqueue_t *pqueue_new(void)
{
  return calloc(1, sizeof(struct pqueue));
}

void pqueue_free(pqueue_t *q)
{
  if (!q)
    return;
  free(q->items);
  free(q);
}

void pqueue_push(pqueue_t *q, double key, uint64_t id)
{
  if (q->n == q->cap) {
    q->cap = q->cap ? 2 * q->cap : 64;
    q->items = realloc(q->items, q->cap * sizeof(*q->items));
    xbt_assert(q->items, "out of memory");
  }
  struct pqueue_item item = {key, id};
  size_t i = q->n++;
  while (i > 0 && before(&item, &q->items[(i - 1) / 2])) {
    q->items[i] = q->items[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  q->items[i] = item;
}

struct pqueue_item pqueue_top(const pqueue_t *q)
{
  xbt_assert(q->n > 0, "top of an empty heap");
  return q->items[0];
}

struct pqueue_item pqueue_pop(pqueue_t *q)
{
  xbt_assert(q->n > 0, "pop from an empty heap");
  struct pqueue_item top = q->items[0], last = q->items[--q->n];
  size_t i = 0;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= q->n)
      break;
    if (child + 1 < q->n && before(&q->items[child + 1], &q->items[child]))
      child++;
    if (!before(&q->items[child], &last))
      break;
    q->items[i] = q->items[child];
    i = child;
  }
  if (q->n > 0)
    q->items[i] = last;
  return top;
}

size_t pqueue_size(const pqueue_t *q)
{
  return q->n;
}
