/* layer.c: building a layer_set (layer.h): checking the layers' declared contracts and ordering
 * them so that each runs after the layers it consumes.
 *
 * The order is Kahn's topological sort that always takes the ready layer earliest in the
 * registry, so the registry's order is kept wherever the declarations allow it. Layers are a
 * handful, so every step is a plain scan. */
#include "sim/scenario/layer.h"

#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

static long index_in(const struct depin_layer *const *list, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i]->name, name) == 0)
      return (long)i;
  return -1;
}

static size_t count_names(const char *const *names)
{
  size_t n = 0;
  while (names && names[n])
    n++;
  return n;
}

/* Unique names, known consumed layers, workload keys claimed once. */
static void check_declarations(const struct depin_layer *const *list, size_t n, diag_t *diag)
{
  for (size_t i = 0; i < n; i++) {
    const struct depin_layer *l = list[i];
    if (index_in(list, i, l->name) >= 0)
      diag_add(diag, DIAG_ERROR, NULL, 0, 0, l->name, "two layers are named '%s'", l->name);
    for (size_t c = 0; c < count_names(l->consumes); c++)
      if (index_in(list, n, l->consumes[c]) < 0)
        diag_add(diag, DIAG_ERROR, NULL, 0, 0, l->name, "consumes '%s', which is no layer",
                 l->consumes[c]);
    for (size_t k = 0; k < count_names(l->workload_keys); k++)
      for (size_t j = 0; j < i; j++)
        for (size_t m = 0; m < count_names(list[j]->workload_keys); m++)
          if (strcmp(l->workload_keys[k], list[j]->workload_keys[m]) == 0)
            diag_add(diag, DIAG_ERROR, NULL, 0, 0, l->name,
                     "workload.%s is claimed by both the %s and the %s layer",
                     l->workload_keys[k], list[j]->name, l->name);
  }
}

/* Whether every layer that list[i] consumes is already placed. */
static bool ready(const struct depin_layer *const *list, size_t n, size_t i, const bool *placed)
{
  for (size_t c = 0; c < count_names(list[i]->consumes); c++) {
    long j = index_in(list, n, list[i]->consumes[c]);
    if (j >= 0 && !placed[j])
      return false;
  }
  return true;
}

/* Fills order with the list in run order; returns how many could be placed (n unless a cycle
 * leaves some waiting on each other). */
static size_t topological_order(const struct depin_layer *const *list, size_t n,
                                const struct depin_layer **order, bool *placed)
{
  size_t done = 0;
  while (done < n) {
    size_t i = 0;
    while (i < n && (placed[i] || !ready(list, n, i, placed)))
      i++;
    if (i == n)
      break;
    placed[i] = true;
    order[done++] = list[i];
  }
  return done;
}

enum depin_status layer_set_init(struct layer_set *out, const struct depin_layer *const *list,
                                 size_t n, const struct metric_def *core_metrics, diag_t *diag)
{
  *out = (struct layer_set){0};
  size_t errors = diag_error_count(diag);
  check_declarations(list, n, diag);
  const struct depin_layer **order = calloc(n ? n : 1, sizeof(*order));
  bool *placed = calloc(n ? n : 1, sizeof(*placed));
  xbt_assert(order && placed, "out of memory");
  if (topological_order(list, n, order, placed) < n)
    for (size_t i = 0; i < n; i++)
      if (!placed[i])
        diag_add(diag, DIAG_ERROR, NULL, 0, 0, list[i]->name,
                 "is in a cycle of consumed layers and cannot be ordered");
  free(placed);
  if (diag_error_count(diag) > errors) {
    free(order);
    return DEPIN_EINVAL;
  }
  *out = (struct layer_set){.layers = order, .n = n, .core_metrics = core_metrics};
  return DEPIN_OK;
}

void layer_set_fini(struct layer_set *set)
{
  if (!set)
    return;
  free(set->layers);
  *set = (struct layer_set){0};
}

long layer_set_index(const struct layer_set *set, const char *name)
{
  return index_in(set->layers, set->n, name);
}

const struct depin_layer *layer_set_workload_owner(const struct layer_set *set, const char *key)
{
  for (size_t i = 0; i < set->n; i++)
    for (size_t k = 0; k < count_names(set->layers[i]->workload_keys); k++)
      if (strcmp(set->layers[i]->workload_keys[k], key) == 0)
        return set->layers[i];
  return NULL;
}
