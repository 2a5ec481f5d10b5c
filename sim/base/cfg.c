/* cfg.c: the YAML reading toolkit of cfg.h over libfyaml: loading, positions, diagnostics.
 *
 * Positions. libfyaml 0.7 keeps a token (and so a mark) only for scalars; a mapping or a
 * sequence is placed where its first scalar starts (its first key, its first item), and a
 * node without a token (an empty value) where its key in the parent mapping is. libfyaml's
 * marks are 0-based; messages are 1-based. Nodes that came from a --set override have no
 * place in the file: their messages name the override instead ("--set a.b=1: a.b: ...").
 *
 * Typed getters and the --set override live in cfg_get.c and cfg_set.c. */
#include "sim/base/cfg_private.h"

#include <errno.h>
#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

#include "sim/base/strfmt.h"

/* Reads a whole file into a NUL-terminated buffer (owned), *len its bytes. NULL when it cannot
 * be read (errno set), or when it holds more than CFG_MAX_BYTES (errno EFBIG): nothing reads
 * further into /dev/zero than that. */
static char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *text = NULL;
  size_t cap = 0;
  *len = 0;
  for (;;) {
    if (*len > CFG_MAX_BYTES) {
      errno = EFBIG;
      goto fail;
    }
    if (cap - *len < 4096) {
      cap = cap ? 2 * cap : 65536;
      char *bigger = realloc(text, cap);
      if (!bigger)
        goto fail;
      text = bigger;
    }
    size_t n = fread(text + *len, 1, cap - *len - 1, f);
    *len += n;
    if (n == 0)
      break;
  }
  if (ferror(f))
    goto fail;
  fclose(f);
  text[*len] = '\0';
  return text;
fail:
  free(text);
  fclose(f);
  return NULL;
}

/* The length of the UTF-8 sequence at p (at most `left` bytes), or 0 when it is not one. */
static size_t utf8_sequence(const unsigned char *p, size_t left)
{
  size_t n = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3
                                                            : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
  if (n == 0 || n > left || (n == 2 && p[0] < 0xc2))
    return 0;
  for (size_t i = 1; i < n; i++)
    if ((p[i] & 0xc0) != 0x80)
      return 0;
  return n;
}

bool cfg_text_ok(const char *name, const char *text, size_t len, diag_t *diag)
{
  size_t line = 1, col = 1;
  for (size_t i = 0; i < len;) {
    unsigned char c = (unsigned char)text[i];
    size_t n = utf8_sequence((const unsigned char *)text + i, len - i);
    if (n == 0 || (c < 32 && c != '\t' && c != '\n' && c != '\r') || c == 127) {
      diag_add(diag, DIAG_ERROR, name, (int)line, (int)col, NULL,
               "byte 0x%02x is not text (allowed: UTF-8 without control characters other than "
               "tab and line ends)", c);
      return false;
    }
    line += c == '\n';
    col = c == '\n' ? 1 : col + 1;
    i += n;
  }
  return true;
}

/* Whether node n, its aliases expanded, stays within *left nodes and CFG_MAX_DEPTH levels. The
 * walk stops as soon as it is not: a few hundred bytes of nested aliases stand for billions of
 * nodes, which libfyaml would build before any key is checked. */
static bool expansion_within(struct fy_node *n, size_t *left, unsigned depth)
{
  if (!n)
    return true;
  if (*left == 0 || depth > CFG_MAX_DEPTH)
    return false;
  (*left)--;
  if (fy_node_is_alias(n))
    return expansion_within(fy_node_resolve_alias(n), left, depth + 1);
  void *iter = NULL;
  if (fy_node_is_sequence(n)) {
    for (struct fy_node *item; (item = fy_node_sequence_iterate(n, &iter));)
      if (!expansion_within(item, left, depth + 1))
        return false;
  } else if (fy_node_is_mapping(n)) {
    for (struct fy_node_pair *pair; (pair = fy_node_mapping_iterate(n, &iter));)
      if (!expansion_within(fy_node_pair_key(pair), left, depth + 1) ||
          !expansion_within(fy_node_pair_value(pair), left, depth + 1))
        return false;
  }
  return true;
}

bool cfg_expansion_ok(struct fy_node *n)
{
  size_t left = CFG_MAX_NODES;
  return expansion_within(n, &left, 0);
}

/* A libfyaml diagnostic object that collects errors instead of printing them. */
static struct fy_diag *quiet_diag(void)
{
  struct fy_diag_cfg dc;
  fy_diag_cfg_default(&dc);
  dc.fp = NULL;
  dc.output_fn = NULL;
  dc.colorize = false;
  struct fy_diag *d = fy_diag_create(&dc);
  if (d)
    fy_diag_set_collect_errors(d, true);
  return d;
}

/* Copies libfyaml's collected syntax errors into diag (their positions are 1-based). */
static void report_syntax_errors(struct fy_diag *fyd, const char *name, diag_t *diag)
{
  void *iter = NULL;
  struct fy_diag_error *e;
  size_t n = 0;
  while ((e = fy_diag_errors_iterate(fyd, &iter))) {
    diag_add(diag, DIAG_ERROR, name, e->line, e->column, NULL, "YAML syntax error: %s",
             e->msg);
    n++;
  }
  if (n == 0)
    diag_add(diag, DIAG_ERROR, name, 0, 0, NULL, "not a valid YAML document");
}

cfg_t *cfg_load_string(const char *name, const char *text, diag_t *diag)
{
  xbt_assert(name && text && diag, "cfg_load_string needs a name, a text and a diag list");
  cfg_t *cfg = calloc(1, sizeof(*cfg));
  if (!cfg)
    goto fail;
  cfg->diag = diag;
  cfg->file = strdup(name);
  cfg->text = strdup(text);
  cfg->fy_diag = quiet_diag();
  if (!cfg->file || !cfg->text || !cfg->fy_diag)
    goto fail;
  if (!cfg_text_ok(name, text, strlen(text), diag))
    goto refused;
  struct fy_parse_cfg pc = {.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG, .diag = cfg->fy_diag};
  cfg->doc = fy_document_build_from_string(&pc, cfg->text, strlen(cfg->text));
  if (!cfg->doc) {
    report_syntax_errors(cfg->fy_diag, name, diag);
    goto refused;
  }
  if (!cfg_expansion_ok(fy_document_root(cfg->doc))) {
    diag_add(diag, DIAG_ERROR, name, 0, 0, NULL, "its aliases expand to more than %d nodes or "
             "%d levels (allowed: a scenario's size)", CFG_MAX_NODES, CFG_MAX_DEPTH);
    goto refused;
  }
  /* Resolved: aliases and merge keys (<<: *defaults) read as the nodes they stand for. */
  if (fy_document_resolve(cfg->doc) != 0) {
    report_syntax_errors(cfg->fy_diag, name, diag);
    goto refused;
  }
  return cfg;
refused:
  cfg_free(cfg);
  return NULL;
fail:
  if (!cfg)
    diag_add(diag, DIAG_ERROR, name, 0, 0, NULL, "out of memory reading the document");
  cfg_free(cfg);
  return NULL;
}

cfg_t *cfg_load_file(const char *path, diag_t *diag)
{
  errno = 0;
  size_t len = 0;
  char *text = read_file(path, &len);
  if (!text && errno == EFBIG) {
    diag_add(diag, DIAG_ERROR, path, 0, 0, NULL, "larger than %d MiB (allowed: a scenario's "
             "size)", CFG_MAX_BYTES >> 20);
    return NULL;
  }
  if (!text) {
    diag_add(diag, DIAG_ERROR, path, 0, 0, NULL, "cannot read the file (%s)",
             errno ? strerror(errno) : "read error");
    return NULL;
  }
  if (strlen(text) != len) { /* a NUL byte: the text check would never see past it */
    cfg_text_ok(path, text, len, diag);
    free(text);
    return NULL;
  }
  cfg_t *cfg = cfg_load_string(path, text, diag);
  free(text);
  return cfg;
}

void cfg_free(cfg_t *cfg)
{
  if (!cfg)
    return;
  if (cfg->doc)
    fy_document_destroy(cfg->doc);
  if (cfg->fy_diag) {
    /* libfyaml 0.7 frees the errors it collected only when collecting is switched off. */
    fy_diag_set_collect_errors(cfg->fy_diag, false);
    fy_diag_unref(cfg->fy_diag);
  }
  for (size_t i = 0; i < cfg->n_overrides; i++)
    free(cfg->overrides[i].assignment);
  free(cfg->overrides);
  free(cfg->file);
  free(cfg->text);
  free(cfg);
}

const char *cfg_file(const cfg_t *cfg)
{
  return cfg->file;
}

char *cfg_emit(const cfg_t *cfg)
{
  return fy_emit_document_to_string(cfg->doc, FYECF_DEFAULT);
}

diag_t *cfg_diag(cfg_t *cfg)
{
  return cfg->diag;
}

struct cfg_node cfg_root(cfg_t *cfg)
{
  struct cfg_node n = {.node = fy_document_root(cfg->doc), .path = ""};
  return n;
}

bool cfg_is_mapping(struct cfg_node n)
{
  return n.node && fy_node_is_mapping(n.node);
}

bool cfg_is_sequence(struct cfg_node n)
{
  return n.node && fy_node_is_sequence(n.node);
}

bool cfg_is_scalar(struct cfg_node n)
{
  return n.node && fy_node_is_scalar(n.node);
}

const char *cfg_scalar(struct cfg_node n)
{
  if (!cfg_is_scalar(n))
    return NULL;
  return fy_node_get_scalar0(n.node);
}

const char *cfg_type_name(struct cfg_node n)
{
  if (!n.node)
    return "nothing";
  if (fy_node_is_mapping(n.node))
    return "a mapping";
  if (fy_node_is_sequence(n.node))
    return "a sequence";
  return cfg_is_empty(n) ? "an empty value" : "a scalar";
}

bool cfg_is_empty(struct cfg_node n)
{
  if (!n.node)
    return true;
  if (!fy_node_is_scalar(n.node))
    return false;
  size_t len = 0;
  fy_node_get_scalar(n.node, &len);
  return len == 0 && fy_node_get_style(n.node) == FYNS_PLAIN;
}

/* The key scalar under which node sits in its parent mapping, or NULL. */
static struct fy_node *key_of(struct fy_node *node)
{
  struct fy_node *parent = fy_node_get_parent(node);
  if (!parent || !fy_node_is_mapping(parent))
    return NULL;
  void *iter = NULL;
  struct fy_node_pair *pair;
  while ((pair = fy_node_mapping_iterate(parent, &iter)))
    if (fy_node_pair_value(pair) == node)
      return fy_node_pair_key(pair);
  return NULL;
}

/* The 0-based mark of a node's first scalar token, or NULL (see the file comment). */
static const struct fy_mark *first_mark(struct fy_node *node, int depth)
{
  if (!node || depth > 64)
    return NULL;
  if (fy_node_is_scalar(node)) {
    struct fy_token *t = fy_node_get_scalar_token(node);
    return t ? fy_token_start_mark(t) : NULL;
  }
  if (fy_node_is_mapping(node)) {
    struct fy_node_pair *pair = fy_node_mapping_get_by_index(node, 0);
    return pair ? first_mark(fy_node_pair_key(pair), depth + 1) : NULL;
  }
  if (fy_node_is_sequence(node))
    return first_mark(fy_node_sequence_get_by_index(node, 0), depth + 1);
  return NULL;
}

static const struct fy_mark *node_mark(struct fy_node *node)
{
  const struct fy_mark *m = first_mark(node, 0);
  if (!m && node) {
    struct fy_node *key = key_of(node);
    if (key)
      m = first_mark(key, 0);
    else if (fy_node_get_parent(node))
      m = node_mark(fy_node_get_parent(node));
  }
  return m;
}

int cfg_line(struct cfg_node n)
{
  const struct fy_mark *m = node_mark(n.node);
  return m ? m->line + 1 : 0;
}

int cfg_col(struct cfg_node n)
{
  const struct fy_mark *m = node_mark(n.node);
  return m ? m->column + 1 : 0;
}

/* The override that produced node (or one of its ancestors), or NULL. */
static const struct cfg_override *override_of(const cfg_t *cfg, struct fy_node *node)
{
  for (int depth = 0; node && depth < 1000; depth++) {
    for (size_t i = 0; i < cfg->n_overrides; i++)
      if (cfg->overrides[i].value == node || cfg->overrides[i].key == node)
        return &cfg->overrides[i];
    node = fy_node_get_parent(node);
  }
  return NULL;
}

void cfg_report_v(cfg_t *cfg, enum diag_level level, struct fy_node *where, const char *path,
                  const char *fmt, va_list ap)
{
  char *message = strfmt_v(fmt, ap);
  const char *p = path && path[0] ? path : NULL;
  const struct cfg_override *o = override_of(cfg, where);
  if (o) {
    char *file = strfmt("--set %s", o->assignment);
    diag_add(cfg->diag, level, file, 0, 0, p, "%s", message);
    free(file);
  } else {
    const struct fy_mark *m = node_mark(where);
    diag_add(cfg->diag, level, cfg->file, m ? m->line + 1 : 0, m ? m->column + 1 : 0, p, "%s",
             message);
  }
  free(message);
}

void cfg_report(cfg_t *cfg, struct fy_node *where, const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  cfg_report_v(cfg, DIAG_ERROR, where, path, fmt, ap);
  va_end(ap);
}

void cfg_error(cfg_t *cfg, struct cfg_node n, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  cfg_report_v(cfg, DIAG_ERROR, n.node, n.path, fmt, ap);
  va_end(ap);
}

void cfg_warning(cfg_t *cfg, struct cfg_node n, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  cfg_report_v(cfg, DIAG_WARNING, n.node, n.path, fmt, ap);
  va_end(ap);
}

/* Writes a path of at most CFG_PATH_MAX bytes; a longer one is cut (paths are for messages). */
static void set_path(char *dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_path(char *dst, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(dst, CFG_PATH_MAX, fmt, ap);
  va_end(ap);
}

void cfg_child_path(char *dst, const char *parent, const char *key)
{
  if (parent[0])
    set_path(dst, "%s.%s", parent, key);
  else
    set_path(dst, "%s", key);
}

size_t cfg_seq_count(struct cfg_node n)
{
  if (!n.node)
    return 0;
  if (fy_node_is_sequence(n.node))
    return (size_t)fy_node_sequence_item_count(n.node);
  return fy_node_is_scalar(n.node) && !cfg_is_empty(n) ? 1 : 0;
}

struct cfg_node cfg_seq_item(struct cfg_node n, size_t i)
{
  struct cfg_node item = {.node = NULL};
  if (cfg_is_scalar(n) && !cfg_is_empty(n)) {
    if (i == 0)
      item = n;
    return item;
  }
  if (!cfg_is_sequence(n) || i >= (size_t)fy_node_sequence_item_count(n.node))
    return item;
  item.node = fy_node_sequence_get_by_index(n.node, (int)i);
  set_path(item.path, "%s[%zu]", n.path, i);
  return item;
}

size_t cfg_map_count(struct cfg_node n)
{
  return cfg_is_mapping(n) ? (size_t)fy_node_mapping_item_count(n.node) : 0;
}

const char *cfg_map_key(struct cfg_node n, size_t i)
{
  if (i >= cfg_map_count(n))
    return NULL;
  struct fy_node *key = fy_node_pair_key(fy_node_mapping_get_by_index(n.node, (int)i));
  return key && fy_node_is_scalar(key) ? fy_node_get_scalar0(key) : NULL;
}

struct cfg_node cfg_map_value(struct cfg_node n, size_t i)
{
  struct cfg_node v = {.node = NULL};
  const char *key = cfg_map_key(n, i);
  if (i >= cfg_map_count(n))
    return v;
  v.node = fy_node_pair_value(fy_node_mapping_get_by_index(n.node, (int)i));
  cfg_child_path(v.path, n.path, key ? key : "?");
  return v;
}

struct cfg_node cfg_map_key_at(struct cfg_node n, size_t i)
{
  struct cfg_node k = cfg_map_value(n, i);
  k.node = cfg_map_key_node(n, i);
  return k;
}

struct fy_node *cfg_map_key_node(struct cfg_node n, size_t i)
{
  if (i >= cfg_map_count(n))
    return NULL;
  return fy_node_pair_key(fy_node_mapping_get_by_index(n.node, (int)i));
}

long cfg_map_find(struct cfg_node n, const char *key)
{
  size_t count = cfg_map_count(n);
  for (size_t i = 0; i < count; i++) {
    const char *k = cfg_map_key(n, i);
    if (k && strcmp(k, key) == 0)
      return (long)i;
  }
  return -1;
}

/* Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
static size_t edit_distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64)
    return la > lb ? la : lb;
  size_t d[65][65];
  for (size_t i = 0; i <= la; i++)
    d[i][0] = i;
  for (size_t j = 0; j <= lb; j++)
    d[0][j] = j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < best)
        best = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < best)
        best = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  return d[la][lb];
}

const char *cfg_closest(const char *word, const char *const candidates[])
{
  if (!word || !candidates)
    return NULL;
  size_t len = strlen(word);
  size_t limit = (len + 2) / 3 > 1 ? (len + 2) / 3 : 1;
  const char *best = NULL;
  size_t best_d = limit + 1;
  for (size_t i = 0; candidates[i]; i++) {
    size_t d = edit_distance(word, candidates[i]);
    if (d < best_d && d < strlen(candidates[i])) {
      best = candidates[i];
      best_d = d;
    }
  }
  return best;
}

char *cfg_join(const char *const names[])
{
  size_t len = 1;
  for (size_t i = 0; names[i]; i++)
    len += strlen(names[i]) + 2;
  char *s = malloc(len);
  xbt_assert(s, "out of memory listing names");
  s[0] = '\0';
  for (size_t i = 0; names[i]; i++) {
    if (i)
      strcat(s, ", ");
    strcat(s, names[i]);
  }
  return s;
}

void cfg_report_unknown(cfg_t *cfg, struct fy_node *where, const char *path, const char *what,
                        const char *word, const char *const candidates[])
{
  const char *guess = cfg_closest(word, candidates);
  if (guess) {
    cfg_report(cfg, where, path, "unknown %s '%s' (did you mean '%s'?)", what, word, guess);
    return;
  }
  char *list = cfg_join(candidates);
  cfg_report(cfg, where, path, "unknown %s '%s' (allowed: %s)", what, word, list);
  free(list);
}

void cfg_error_unknown(cfg_t *cfg, struct cfg_node n, const char *what, const char *word,
                       const char *const candidates[])
{
  cfg_report_unknown(cfg, n.node, n.path, what, word, candidates);
}

bool cfg_check_keys(cfg_t *cfg, struct cfg_node n, const char *const allowed[])
{
  if (!n.node)
    return true;
  if (!fy_node_is_mapping(n.node)) {
    cfg_error(cfg, n, "expected a mapping, got %s", cfg_type_name(n));
    return false;
  }
  bool ok = true;
  size_t count = cfg_map_count(n);
  for (size_t i = 0; i < count; i++) {
    const char *key = cfg_map_key(n, i);
    char path[CFG_PATH_MAX];
    cfg_child_path(path, n.path, key ? key : "?");
    if (!key) {
      cfg_report(cfg, cfg_map_key_node(n, i), n.path, "a key must be a plain name");
      ok = false;
      continue;
    }
    bool known = false;
    for (size_t j = 0; allowed[j] && !known; j++)
      known = strcmp(allowed[j], key) == 0;
    if (!known) {
      cfg_report_unknown(cfg, cfg_map_key_node(n, i), path, "key", key, allowed);
      ok = false;
    }
  }
  return ok;
}

bool cfg_get(cfg_t *cfg, struct cfg_node n, const char *key, struct cfg_node *out,
             bool required)
{
  out->node = NULL;
  cfg_child_path(out->path, n.path, key);
  long i = cfg_map_find(n, key);
  if (i >= 0) {
    out->node = fy_node_pair_value(fy_node_mapping_get_by_index(n.node, (int)i));
    return true;
  }
  if (!required)
    return true;
  if (cfg_is_mapping(n))
    cfg_report(cfg, n.node, out->path, "missing required key");
  return false;
}
