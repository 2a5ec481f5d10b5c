/* test_layer.c: the layer set (sim/scenario/layer.h): ordering by declared consumption, the
 * contracts it refuses, and the build's registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "sim/cli/registry.h"
#include "sim/scenario/layer.h"

static const char *const none[] = {NULL};
static const char *const needs_a[] = {"a", NULL};
static const char *const needs_b[] = {"b", NULL};
static const char *const needs_c[] = {"c", NULL};
static const char *const needs_x[] = {"x", NULL};
static const char *const key_jobs[] = {"jobs", NULL};

/* A layer with only the declarations the set reads. */
#define LAYER(n, consumed, keys) {.name = n, .consumes = consumed, .workload_keys = keys}

static const char *order_of(const struct layer_set *set, char *buf)
{
  for (size_t i = 0; i < set->n; i++)
    buf[i] = set->layers[i]->name[0];
  buf[set->n] = '\0';
  return buf;
}

static void test_layer_order_follows_consumes(void **state)
{
  (void)state;
  /* c consumes a, a consumes b: b, then a, then c; d keeps its place at the end. */
  const struct depin_layer c = LAYER("c", needs_a, none), a = LAYER("a", needs_b, none),
                           b = LAYER("b", NULL, NULL), d = LAYER("d", NULL, NULL);
  const struct depin_layer *list[] = {&c, &a, &b, &d};
  diag_t *diag = diag_new();
  struct layer_set set;
  char buf[8];
  assert_int_equal(layer_set_init(&set, list, 4, NULL, diag), DEPIN_OK);
  assert_string_equal(order_of(&set, buf), "bacd");
  assert_int_equal(layer_set_index(&set, "c"), 2);
  assert_int_equal(layer_set_index(&set, "z"), -1);
  layer_set_fini(&set);
  diag_free(diag);
}

static void test_layer_order_keeps_registry_order(void **state)
{
  (void)state;
  const struct depin_layer a = LAYER("a", NULL, NULL), b = LAYER("b", needs_a, NULL),
                           c = LAYER("c", NULL, NULL);
  const struct depin_layer *list[] = {&a, &b, &c};
  diag_t *diag = diag_new();
  struct layer_set set;
  char buf[8];
  assert_int_equal(layer_set_init(&set, list, 3, NULL, diag), DEPIN_OK);
  assert_string_equal(order_of(&set, buf), "abc");
  layer_set_fini(&set);
  diag_free(diag);
}

static void test_layer_cycle_refused(void **state)
{
  (void)state;
  const struct depin_layer a = LAYER("a", needs_b, NULL), b = LAYER("b", needs_c, NULL),
                           c = LAYER("c", needs_a, NULL), d = LAYER("d", NULL, NULL);
  const struct depin_layer *list[] = {&d, &a, &b, &c};
  diag_t *diag = diag_new();
  struct layer_set set;
  assert_int_equal(layer_set_init(&set, list, 4, NULL, diag), DEPIN_EINVAL);
  assert_null(set.layers);
  assert_int_equal(diag_count(diag), 3); /* a, b and c: d is not in the cycle */
  assert_string_equal(diag_line(diag, 0),
                      "a: is in a cycle of consumed layers and cannot be ordered");
  layer_set_fini(&set);
  diag_free(diag);
}

static void test_layer_unknown_consumed_refused(void **state)
{
  (void)state;
  const struct depin_layer a = LAYER("a", needs_x, NULL);
  const struct depin_layer *list[] = {&a};
  diag_t *diag = diag_new();
  struct layer_set set;
  assert_int_equal(layer_set_init(&set, list, 1, NULL, diag), DEPIN_EINVAL);
  assert_int_equal(diag_count(diag), 1);
  assert_string_equal(diag_line(diag, 0), "a: consumes 'x', which is no layer");
  diag_free(diag);
}

static void test_layer_workload_key_claimed_twice(void **state)
{
  (void)state;
  const struct depin_layer a = LAYER("a", NULL, key_jobs), b = LAYER("b", NULL, key_jobs);
  const struct depin_layer *list[] = {&a, &b};
  diag_t *diag = diag_new();
  struct layer_set set;
  assert_int_equal(layer_set_init(&set, list, 2, NULL, diag), DEPIN_EINVAL);
  assert_int_equal(diag_count(diag), 1);
  assert_string_equal(diag_line(diag, 0),
                      "b: workload.jobs is claimed by both the a and the b layer");
  diag_free(diag);
}

static void test_layer_duplicate_name(void **state)
{
  (void)state;
  const struct depin_layer a = LAYER("a", NULL, NULL), a2 = LAYER("a", NULL, NULL);
  const struct depin_layer *list[] = {&a, &a2};
  diag_t *diag = diag_new();
  struct layer_set set;
  assert_int_equal(layer_set_init(&set, list, 2, NULL, diag), DEPIN_EINVAL);
  assert_string_equal(diag_line(diag, 0), "a: two layers are named 'a'");
  diag_free(diag);
}

/* The build's own layers: every consumed layer runs before its consumer, and each workload
 * key has the owner the scenario docs name. */
static void test_layer_registry(void **state)
{
  (void)state;
  const struct layer_set *set = registry_layers();
  static const char *const core[] = {"ledger", "da", "storage", "market", "verify", "token"};
  for (size_t i = 0; i < sizeof core / sizeof core[0]; i++)
    assert_true(layer_set_index(set, core[i]) >= 0);
  for (size_t i = 0; i < set->n; i++)
    for (const char *const *c = set->layers[i]->consumes; c && *c; c++)
      assert_true(layer_set_index(set, *c) < (long)i);
  assert_true(layer_set_index(set, "token") > layer_set_index(set, "verify"));
  assert_true(layer_set_index(set, "da") > layer_set_index(set, "ledger"));
  assert_string_equal(layer_set_workload_owner(set, "transactions")->name, "ledger");
  assert_string_equal(layer_set_workload_owner(set, "blobs")->name, "da");
  assert_string_equal(layer_set_workload_owner(set, "inference")->name, "market");
  assert_null(layer_set_workload_owner(set, "mining"));
  assert_non_null(set->core_metrics);
  assert_string_equal(set->core_metrics[0].name, "providers");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_layer_order_follows_consumes),
    cmocka_unit_test(test_layer_order_keeps_registry_order),
    cmocka_unit_test(test_layer_cycle_refused),
    cmocka_unit_test(test_layer_unknown_consumed_refused),
    cmocka_unit_test(test_layer_workload_key_claimed_twice),
    cmocka_unit_test(test_layer_duplicate_name),
    cmocka_unit_test(test_layer_registry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
