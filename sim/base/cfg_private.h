/* cfg_private.h: what cfg.c, cfg_get.c and cfg_set.c share and nothing else should see. */
#ifndef DEPINSIM_SIM_BASE_CFG_PRIVATE_H
#define DEPINSIM_SIM_BASE_CFG_PRIVATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/base/cfg.h"

struct fy_document;
struct fy_diag;
struct fy_node;

/* Limits on a document, checked before libfyaml builds or resolves it. */
#define CFG_MAX_BYTES (16 << 20) /* a file's size */
#define CFG_MAX_NODES 1000000    /* nodes once aliases are expanded */
#define CFG_MAX_DEPTH 100        /* nesting levels, aliases followed */

/* Whether text is UTF-8 without control characters other than tab and line ends; otherwise
 * reports the first offending byte at its line and column under name. libfyaml 0.7 hangs on
 * some invalid UTF-8 ("%" then a byte of 0x80 or more), so nothing else reaches it. */
bool cfg_text_ok(const char *name, const char *text, size_t len, diag_t *diag);
/* Whether a node, its aliases expanded, stays within CFG_MAX_NODES and CFG_MAX_DEPTH. */
bool cfg_expansion_ok(struct fy_node *n);

/* A --set override: the nodes it put into the document, for messages about them. */
struct cfg_override {
  struct fy_node *key;   /* the key it added, or NULL when it replaced a value */
  struct fy_node *value; /* the value it put in */
  char *assignment;      /* "key.path=value" as given (owned) */
};

struct cfg {
  struct fy_document *doc; /* owned */
  struct fy_diag *fy_diag; /* owned: libfyaml's own diagnostics, collected, never printed */
  char *file;              /* owned: the name messages show */
  char *text;              /* owned: the source text the document was parsed from */
  diag_t *diag;            /* borrowed: where every problem goes */
  struct cfg_override *overrides;
  size_t n_overrides;
};

/* Reports an error about node `where` (its position, or its override) under path. */
void cfg_report(cfg_t *cfg, struct fy_node *where, const char *path, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
void cfg_report_v(cfg_t *cfg, enum diag_level level, struct fy_node *where, const char *path,
                  const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
/* "unknown <what> 'word' (did you mean 'x'?)" or "(allowed: a, b, c)". */
void cfg_report_unknown(cfg_t *cfg, struct fy_node *where, const char *path, const char *what,
                        const char *word, const char *const candidates[]);
/* "parent.key" (or "key" at the root) into dst of CFG_PATH_MAX bytes. */
void cfg_child_path(char *dst, const char *parent, const char *key);
/* Index of key in mapping n, or -1 (also when n is not a mapping). */
long cfg_map_find(struct cfg_node n, const char *key);
struct fy_node *cfg_map_key_node(struct cfg_node n, size_t i);
/* "a mapping", "a sequence", "a scalar", "an empty value", "nothing": for messages. */
const char *cfg_type_name(struct cfg_node n);
bool cfg_is_empty(struct cfg_node n);
/* "a, b, c" (owned, free()). */
char *cfg_join(const char *const names[]);

#endif
