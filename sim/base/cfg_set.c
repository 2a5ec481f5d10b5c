/* cfg_set.c: --set key.path=value overrides applied to a loaded document (cfg.h).
 *
 * The path is walked one component at a time: a mapping key, a sequence index, or the element
 * of a sequence whose `class` or `name` is the component. The value is parsed as YAML into a
 * node of the same document and replaces the old value, or is added under a new last key.
 * Mappings the path names that the document lacks are created (`--set network.tcp_window=1MiB`
 * in a file without `network`); a misspelt one is then refused by the reader, as in a file. */
#include "sim/base/cfg_private.h"

#include <ctype.h>
#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

#include "sim/base/strfmt.h"

/* One override being applied: the assignment split into path components and value. */
struct assignment {
  const char *text;  /* as given, for messages */
  char *copy;        /* owned: the path with '.' replaced by NULs */
  const char *value; /* into text */
  char **parts;      /* into copy */
  size_t n_parts;
};

static void set_error(cfg_t *cfg, const char *assignment, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void set_error(cfg_t *cfg, const char *assignment, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *message = strfmt_v(fmt, ap);
  va_end(ap);
  diag_add(cfg->diag, DIAG_ERROR, NULL, 0, 0, NULL, "--set %s: %s", assignment, message);
  free(message);
}

static void assignment_fini(struct assignment *a)
{
  free(a->copy);
  free(a->parts);
}

/* Splits "a.b.c=value". Returns false (reported) when it has no '=' or an empty component. */
static bool assignment_split(cfg_t *cfg, const char *text, struct assignment *a)
{
  *a = (struct assignment){.text = text};
  const char *eq = strchr(text, '=');
  if (!eq || eq == text) {
    set_error(cfg, text, "expected key.path=value");
    return false;
  }
  a->value = eq + 1;
  a->copy = strndup(text, (size_t)(eq - text));
  a->parts = calloc((size_t)(eq - text) + 1, sizeof(*a->parts));
  xbt_assert(a->copy && a->parts, "out of memory splitting an override");
  for (char *p = a->copy;;) {
    char *dot = strchr(p, '.');
    if (dot)
      *dot = '\0';
    if (*p == '\0') {
      set_error(cfg, text, "empty component in the key path");
      return false;
    }
    a->parts[a->n_parts++] = p;
    if (!dot)
      break;
    p = dot + 1;
  }
  return true;
}

static bool is_index(const char *s)
{
  if (!*s)
    return false;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s))
      return false;
  return true;
}

/* The item of sequence seq that component names: an index, or a mapping whose `class` or
 * `name` is it. Returns its index or -1. */
static long sequence_find(struct cfg_node seq, const char *component)
{
  size_t count = cfg_seq_count(seq);
  if (is_index(component)) {
    long i = strtol(component, NULL, 10);
    return (size_t)i < count ? i : -1;
  }
  for (size_t i = 0; i < count; i++) {
    struct cfg_node item = cfg_seq_item(seq, i);
    static const char *const id_keys[] = {"class", "name"};
    for (size_t k = 0; k < 2; k++) {
      long j = cfg_map_find(item, id_keys[k]);
      const char *id = j >= 0 ? cfg_scalar(cfg_map_value(item, (size_t)j)) : NULL;
      if (id && strcmp(id, component) == 0)
        return (long)i;
    }
  }
  return -1;
}

/* "the document" or "'providers[1]'": where a component was looked for. */
static void where_text(struct cfg_node n, char *buf, size_t size)
{
  if (n.path[0])
    snprintf(buf, size, "'%s'", n.path);
  else
    snprintf(buf, size, "the document");
}

/* The child of n named by component, or node NULL after reporting. */
static struct cfg_node descend(cfg_t *cfg, const struct assignment *a, struct cfg_node n,
                               const char *component)
{
  struct cfg_node child = {.node = NULL};
  char where[CFG_PATH_MAX + 16];
  where_text(n, where, sizeof(where));
  if (cfg_is_mapping(n)) {
    long i = cfg_map_find(n, component);
    if (i >= 0)
      return cfg_map_value(n, (size_t)i);
    size_t count = cfg_map_count(n);
    const char **keys = calloc(count + 1, sizeof(*keys));
    xbt_assert(keys, "out of memory listing keys");
    for (size_t k = 0; k < count; k++)
      keys[k] = cfg_map_key(n, k) ? cfg_map_key(n, k) : "";
    const char *guess = cfg_closest(component, keys);
    if (guess)
      set_error(cfg, a->text, "no key '%s' in %s (did you mean '%s'?)", component, where,
                guess);
    else
      set_error(cfg, a->text, "no key '%s' in %s", component, where);
    free(keys);
  } else if (cfg_is_sequence(n)) {
    long i = sequence_find(n, component);
    if (i >= 0)
      return cfg_seq_item(n, (size_t)i);
    set_error(cfg, a->text, "no item '%s' in %s (an index below %zu, or a class or name)",
              component, where, cfg_seq_count(n));
  } else {
    set_error(cfg, a->text, "%s is %s, not a mapping or a sequence", where,
              cfg_type_name(n));
  }
  return child;
}

static void remember(cfg_t *cfg, const char *assignment, struct fy_node *key,
                     struct fy_node *value)
{
  struct cfg_override *grown =
    realloc(cfg->overrides, (cfg->n_overrides + 1) * sizeof(*cfg->overrides));
  xbt_assert(grown, "out of memory recording an override");
  cfg->overrides = grown;
  char *copy = strdup(assignment);
  xbt_assert(copy, "out of memory recording an override");
  cfg->overrides[cfg->n_overrides++] = (struct cfg_override){key, value, copy};
}

/* An earlier override's value that is about to be freed is no longer a place to report. */
static void forget(cfg_t *cfg, struct fy_node *value)
{
  for (size_t i = 0; i < cfg->n_overrides; i++)
    if (cfg->overrides[i].value == value)
      cfg->overrides[i].value = cfg->overrides[i].key = NULL;
}

/* Puts value under component of the mapping or sequence parent. */
static bool place(cfg_t *cfg, const struct assignment *a, struct cfg_node parent,
                  const char *component, struct fy_node *value)
{
  if (cfg_is_mapping(parent)) {
    long i = cfg_map_find(parent, component);
    if (i >= 0) {
      struct fy_node_pair *pair = fy_node_mapping_get_by_index(parent.node, (int)i);
      forget(cfg, fy_node_pair_value(pair));
      xbt_assert(fy_node_pair_set_value(pair, value) == 0, "libfyaml refused a value");
      remember(cfg, a->text, NULL, value);
      return true;
    }
    struct fy_node *key = fy_node_create_scalar_copy(cfg->doc, component, strlen(component));
    xbt_assert(key, "out of memory adding a key");
    xbt_assert(fy_node_mapping_append(parent.node, key, value) == 0, "libfyaml refused a key");
    remember(cfg, a->text, key, value);
    return true;
  }
  struct cfg_node old = descend(cfg, a, parent, component);
  if (!old.node)
    return false;
  xbt_assert(fy_node_sequence_insert_after(parent.node, old.node, value) == 0,
             "libfyaml refused an item");
  forget(cfg, old.node);
  fy_node_free(fy_node_sequence_remove(parent.node, old.node));
  remember(cfg, a->text, NULL, value);
  return true;
}

/* The value parsed as YAML into a node of the document, nested in a mapping for each of the
 * path's components parts[first + 1 ..] above the last (those the document lacks), or NULL
 * after reporting. */
static struct fy_node *build_value(cfg_t *cfg, const struct assignment *a, size_t first)
{
  const char *v = a->value;
  while (isspace((unsigned char)*v))
    v++;
  if (*v == '\0') {
    set_error(cfg, a->text, "no value after '='");
    return NULL;
  }
  diag_t *check = diag_new();
  bool text_ok = cfg_text_ok("value", a->value, strlen(a->value), check);
  diag_free(check);
  if (!text_ok) {
    set_error(cfg, a->text, "the value is not text (allowed: UTF-8 without control characters)");
    return NULL;
  }
  /* The document keeps pointing into the text it was built from: it takes the copy. */
  char *text = strfmt("%s", a->value);
  struct fy_node *node = fy_node_build_from_malloc_string(cfg->doc, text, strlen(text));
  if (node && !cfg_expansion_ok(node)) {
    set_error(cfg, a->text, "its aliases expand to more than %d nodes or %d levels",
              CFG_MAX_NODES, CFG_MAX_DEPTH);
    fy_node_free(node);
    return NULL;
  }
  for (size_t j = a->n_parts - 1; node && j > first; j--) {
    struct fy_node *map = fy_node_create_mapping(cfg->doc);
    struct fy_node *key = fy_node_create_scalar_copy(cfg->doc, a->parts[j], strlen(a->parts[j]));
    xbt_assert(map && key && fy_node_mapping_append(map, key, node) == 0,
               "out of memory building an override");
    node = map;
  }
  if (!node)
    set_error(cfg, a->text, "the value is not valid YAML");
  return node;
}

bool cfg_set(cfg_t *cfg, const char *assignment)
{
  struct assignment a;
  bool ok = false;
  if (!assignment_split(cfg, assignment, &a))
    goto done;
  struct cfg_node n = cfg_root(cfg);
  if (!n.node) {
    set_error(cfg, assignment, "the document is empty");
    goto done;
  }
  size_t last = a.n_parts - 1; /* the component the value goes under */
  for (size_t i = 0; i < last && n.node; i++) {
    if (cfg_is_mapping(n) && cfg_map_find(n, a.parts[i]) < 0) {
      last = i; /* the rest of the path is created */
      break;
    }
    n = descend(cfg, &a, n, a.parts[i]);
  }
  if (!n.node)
    goto done;
  if (!cfg_is_mapping(n) && !cfg_is_sequence(n)) {
    set_error(cfg, assignment, "'%s' is %s, not a mapping or a sequence", n.path,
              cfg_type_name(n));
    goto done;
  }
  struct fy_node *value = build_value(cfg, &a, last);
  if (!value)
    goto done;
  ok = place(cfg, &a, n, a.parts[last], value);
  if (!ok)
    fy_node_free(value);
done:
  assignment_fini(&a);
  return ok;
}
