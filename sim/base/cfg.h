/* cfg.h: reading a YAML document with positions, typed getters and diagnostics.
 *
 * A cfg owns one libfyaml document and the name of the file it came from. Getters look a key
 * up in a mapping, convert and check its value, and on any problem append a diagnostic
 * "file:line:col: key.path: what is wrong (allowed: ...)" to the diag list and return false;
 * they never stop at the first error, so a whole file is checked in one pass. A cfg_node
 * carries its dotted key path ("providers[1].uplink", "ledger.dissemination.fanout") for those
 * messages. Getters leave *out unchanged when an optional key is absent, so callers set the
 * default first. */
#ifndef DEPINSIM_SIM_BASE_CFG_H
#define DEPINSIM_SIM_BASE_CFG_H

#include <float.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/base/diag.h"
#include "sim/base/units.h"

struct fy_node;
typedef struct cfg cfg_t;

#define CFG_PATH_MAX 256

/* The min of cfg_get_quantity for quantities that must be strictly positive: messages then
 * say "(allowed: > 0)". Pass DBL_MAX as max for no upper bound. */
#define CFG_POSITIVE DBL_MIN

struct cfg_node {
  struct fy_node *node;    /* NULL when the key is absent */
  char path[CFG_PATH_MAX]; /* dotted path from the root, "" for the root */
};

/* Parses a YAML file or string (aliases and merge keys resolved). On a YAML syntax error,
 * appends each error libfyaml found with its position to diag and returns NULL; an unreadable
 * file is reported as "path: cannot read the file (reason)". The name is what messages show
 * as the file. diag is borrowed and must outlive the cfg. Free with cfg_free (NULL: no-op). */
cfg_t *cfg_load_file(const char *path, diag_t *diag);
cfg_t *cfg_load_string(const char *name, const char *text, diag_t *diag);
void cfg_free(cfg_t *cfg);

/* Applies a command-line override "key.path=value" (value parsed as YAML: a scalar, a flow
 * list or a flow mapping). Path components name mapping keys, sequence indices ("regions.0")
 * or the element of a sequence whose "class" or "name" is that string
 * ("providers.home-4090.count"). A missing last key is added to its mapping. On error appends
 * "--set key.path=value: what is wrong" to the cfg's diag and returns false. */
bool cfg_set(cfg_t *cfg, const char *assignment);

/* The source file name (borrowed) and the document as YAML text, overrides applied (owned by
 * the caller, free()). The text goes into result files so a run can be reproduced. */
const char *cfg_file(const cfg_t *cfg);
char *cfg_emit(const cfg_t *cfg);
diag_t *cfg_diag(cfg_t *cfg);

struct cfg_node cfg_root(cfg_t *cfg);
bool cfg_is_mapping(struct cfg_node n);
bool cfg_is_sequence(struct cfg_node n);
bool cfg_is_scalar(struct cfg_node n);
/* The scalar's text, borrowed until cfg_free; NULL if not a scalar. */
const char *cfg_scalar(struct cfg_node n);
/* 1-based line and column of a node's start (0 when n.node is NULL). libfyaml 0.7 keeps marks
 * only for scalars: a mapping or a sequence is placed at its first scalar (its first key or
 * item), a quoted scalar at its first character inside the quotes, an empty value at its
 * key. */
int cfg_line(struct cfg_node n);
int cfg_col(struct cfg_node n);

/* Appends an error about node n (its position and path) to the cfg's diag. */
void cfg_error(cfg_t *cfg, struct cfg_node n, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
void cfg_warning(cfg_t *cfg, struct cfg_node n, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* Reports "unknown <what> 'word' (did you mean 'x'?)", or with "(allowed: a, b, c)" when no
 * candidate is close, about node n. For names checked against a list (regions, metrics). */
void cfg_error_unknown(cfg_t *cfg, struct cfg_node n, const char *what, const char *word,
                       const char *const candidates[]);

/* Checks that every key of the mapping is in allowed (NULL-terminated); reports each unknown
 * one with "unknown key 'x' (did you mean 'y'?)" or the allowed list. Reports and returns
 * false when n is not a mapping. An absent node (n.node == NULL) passes. */
bool cfg_check_keys(cfg_t *cfg, struct cfg_node n, const char *const allowed[]);

/* Looks key up in the mapping n; out->path is n's path plus key either way. Absent:
 * out->node = NULL and returns !required (reporting "missing required key" when required and
 * n is a mapping; a node that is not a mapping reports nothing here: cfg_check_keys does). */
bool cfg_get(cfg_t *cfg, struct cfg_node n, const char *key, struct cfg_node *out,
             bool required);

/* Sequence access: count of items and the i-th item (path gets "[i]"; node NULL past the end).
 * A scalar counts as a sequence of one, so "region: us-east" and "region: [us-east, eu-west]"
 * read alike; an empty value, a mapping or an absent node as a sequence of none. */
size_t cfg_seq_count(struct cfg_node n);
struct cfg_node cfg_seq_item(struct cfg_node n, size_t i);

/* Mapping iteration: count of pairs, and the i-th key (borrowed) and value. */
size_t cfg_map_count(struct cfg_node n);
const char *cfg_map_key(struct cfg_node n, size_t i);
struct cfg_node cfg_map_value(struct cfg_node n, size_t i);
/* The i-th key itself as a node (path as its value's), for messages about a key's name. */
struct cfg_node cfg_map_key_at(struct cfg_node n, size_t i);

/* Typed getters. Each reads mapping n's key; returns true when the key is absent and not
 * required (leaving *out), or present and valid; otherwise reports and returns false. */
bool cfg_get_string(cfg_t *cfg, struct cfg_node n, const char *key, char **out, bool required);
bool cfg_get_bool(cfg_t *cfg, struct cfg_node n, const char *key, bool *out, bool required);
/* A name that becomes a file name or a host name: 1 to CFG_NAME_MAX letters, digits, '.', '_'
 * or '-', starting with a letter or digit (so never "..", a path or hidden). CFG_NAME_MAX
 * keeps "<class>-<index>" host names whole in result tables (TABLE_STRING_MAX). */
#define CFG_NAME_MAX 32
bool cfg_name_ok(const char *name);
bool cfg_get_name(cfg_t *cfg, struct cfg_node n, const char *key, char **out, bool required);
/* An integer in [min, max]. */
bool cfg_get_int(cfg_t *cfg, struct cfg_node n, const char *key, long *out, long min, long max,
                 bool required);
/* One of names (NULL-terminated); *out is its index. */
bool cfg_get_enum(cfg_t *cfg, struct cfg_node n, const char *key, const char *const names[],
                  int *out, bool required);
/* A number of the kind (see units.h) in [min, max] (base unit). Quantities of kinds other than
 * UNIT_NUMBER must carry a unit. Messages: "'10Gbs': unknown unit (allowed: bps Kbps ...)",
 * "'0s' is out of range (allowed: > 0)". */
bool cfg_get_quantity(cfg_t *cfg, struct cfg_node n, const char *key, enum unit_kind kind,
                      double min, double max, double *out, bool required);
/* Converts a scalar node itself (for sequence items). */
bool cfg_to_quantity(cfg_t *cfg, struct cfg_node n, enum unit_kind kind, double min,
                     double max, double *out);

/* The closest of candidates to word by edit distance, or NULL when none is close enough to
 * suggest. For "did you mean" messages. */
const char *cfg_closest(const char *word, const char *const candidates[]);

#endif
