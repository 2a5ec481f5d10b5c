/* scenario.c: loading a scenario: overrides, the core sections, the protocol layers' sections,
 * cross-checks and the machine's means (scenario.h).
 *
 * Every reader appends its problems to the diag list and carries on with defaults, so one
 * pass reports every error of a file; the load fails when the error count grew. */
#include "sim/scenario/scenario.h"

#include <float.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xbt/asserts.h>

#include "sim/scenario/scenario_private.h"

#include "sim/base/paths.h"
#include "sim/base/strfmt.h"
#include "sim/base/units.h"
#include "sim/device/profile.h"

static const char *const core_keys[] = {
  "name",    "seed",      "duration", "warmup",    "sample_interval", "efficiency",
  "calibration", "regions", "latency", "platform", "providers",     "workload",
  "network", "targets", "sweep",  NULL,
};

char *scenario_strdup(const char *s)
{
  char *copy = strdup(s);
  xbt_assert(copy, "out of memory copying '%s'", s);
  return copy;
}

void *scenario_calloc(size_t n, size_t size)
{
  void *p = calloc(n ? n : 1, size);
  xbt_assert(p, "out of memory allocating %zu x %zu bytes", n, size);
  return p;
}

static bool is_file(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Appends candidate to the "tried" list; returns it (owned) when it is a file. */
static char *try_path(char *candidate, char **tried)
{
  if (is_file(candidate))
    return candidate;
  char *list = *tried ? strfmt("%s, %s", *tried, candidate) : strfmt("%s", candidate);
  free(*tried);
  *tried = list;
  free(candidate);
  return NULL;
}

static char *join_path(const char *dir, const char *rel)
{
  return strfmt("%s/%s", dir, rel);
}

char *scenario_resolve_path(const char *rel, const char *base_dir, char **tried)
{
  *tried = NULL;
  char *found = try_path(scenario_strdup(rel), tried);
  if (found || rel[0] == '/')
    return found;
  if (base_dir && (found = try_path(join_path(base_dir, rel), tried)))
    return found;
  const char *data = paths_data_dir();
  return data ? try_path(join_path(data, rel), tried) : NULL;
}

/* Absent `calibration`: every profile shipped in gpu/profiles, in name order. */
static void default_calibration(struct scenario *sc)
{
  const char *data = paths_data_dir();
  if (!data)
    return;
  char *pattern = strfmt("%s/gpu/profiles/*.yaml", data);
  glob_t g;
  int rc = glob(pattern, 0, NULL, &g);
  free(pattern);
  if (rc != 0) {
    globfree(&g);
    return;
  }
  sc->calibration = scenario_calloc(g.gl_pathc, sizeof(*sc->calibration));
  for (size_t i = 0; i < g.gl_pathc; i++)
    sc->calibration[sc->n_calibration++] = scenario_strdup(g.gl_pathv[i]);
  globfree(&g);
}

static void read_calibration(cfg_t *cfg, struct cfg_node root, struct scenario *sc,
                             const char *base_dir)
{
  struct cfg_node c;
  cfg_get(cfg, root, "calibration", &c, false);
  if (!c.node) {
    default_calibration(sc);
    return;
  }
  size_t n = cfg_seq_count(c);
  if (n == 0 || cfg_is_mapping(c)) {
    cfg_error(cfg, c, "expected a profile path or a list of them");
    return;
  }
  sc->calibration = scenario_calloc(n, sizeof(*sc->calibration));
  for (size_t i = 0; i < n; i++) {
    struct cfg_node item = cfg_seq_item(c, i);
    const char *rel = cfg_scalar(item);
    char *tried = NULL, *found = rel ? scenario_resolve_path(rel, base_dir, &tried) : NULL;
    if (found)
      sc->calibration[sc->n_calibration++] = found;
    else if (rel)
      cfg_error(cfg, item, "calibration profile '%s' not found (tried: %s)", rel, tried);
    else
      cfg_error(cfg, item, "expected a profile path");
    free(tried);
  }
}

/* name, seed, times and efficiency. */
static void read_basics(cfg_t *cfg, struct cfg_node root, struct scenario *sc)
{
  long seed = 0;
  cfg_get_name(cfg, root, "name", &sc->name, true);
  cfg_get_int(cfg, root, "seed", &seed, 0, LONG_MAX, false);
  sc->seed = (uint64_t)seed;
  bool have_duration =
    cfg_get_quantity(cfg, root, "duration", UNIT_TIME, CFG_POSITIVE, DBL_MAX, &sc->duration_s,
                     true);
  sc->sample_interval_s = SCENARIO_DEFAULT_SAMPLE_INTERVAL_S;
  if (have_duration && sc->duration_s < sc->sample_interval_s)
    sc->sample_interval_s = sc->duration_s;
  sc->efficiency = SCENARIO_DEFAULT_EFFICIENCY;
  struct cfg_node warmup, sample;
  cfg_get(cfg, root, "warmup", &warmup, false);
  cfg_get(cfg, root, "sample_interval", &sample, false);
  bool w_ok = cfg_get_quantity(cfg, root, "warmup", UNIT_TIME, 0, DBL_MAX, &sc->warmup_s, false);
  bool s_ok = cfg_get_quantity(cfg, root, "sample_interval", UNIT_TIME, CFG_POSITIVE, DBL_MAX,
                               &sc->sample_interval_s, false);
  cfg_get_quantity(cfg, root, "efficiency", UNIT_NUMBER, CFG_POSITIVE, 1, &sc->efficiency,
                   false);
  if (!have_duration || sc->duration_s <= 0)
    return;
  char d[48];
  units_format(sc->duration_s, UNIT_TIME, d, sizeof(d));
  if (warmup.node && w_ok && sc->warmup_s >= sc->duration_s)
    cfg_error(cfg, warmup, "'%s' must be shorter than duration (%s)", cfg_scalar(warmup), d);
  if (sample.node && s_ok && sc->sample_interval_s > sc->duration_s)
    cfg_error(cfg, sample, "'%s' must not exceed duration (%s)", cfg_scalar(sample), d);
  double samples = sc->duration_s / sc->sample_interval_s;
  if (sample.node && s_ok && samples > SCENARIO_MAX_SAMPLES) {
    char least[48];
    units_format(sc->duration_s / SCENARIO_MAX_SAMPLES, UNIT_TIME, least, sizeof(least));
    cfg_error(cfg, sample, "'%s' takes %.3g samples over %s (allowed: at most %.0f, a "
              "sample_interval of at least %s)", cfg_scalar(sample), samples, d,
              SCENARIO_MAX_SAMPLES, least);
  }
}

/* Root keys that are neither core sections nor layers. */
static void check_root_keys(cfg_t *cfg, struct cfg_node root, const struct scenario *sc)
{
  size_t n = 0;
  const char **allowed = scenario_calloc(sizeof(core_keys) / sizeof(core_keys[0]) +
                                           sc->layers->n, sizeof(*allowed));
  for (size_t i = 0; core_keys[i]; i++)
    allowed[n++] = core_keys[i];
  for (size_t i = 0; i < sc->layers->n; i++)
    allowed[n++] = sc->layers->layers[i]->name;
  cfg_check_keys(cfg, root, allowed);
  free(allowed);
}

static void read_sweep(cfg_t *cfg, struct cfg_node root, struct scenario *sc)
{
  cfg_get(cfg, root, "sweep", &sc->sweep, false);
  if (sc->sweep.node && !cfg_is_mapping(sc->sweep))
    cfg_error(cfg, sc->sweep, "expected a mapping of key.path: values");
}

/* Each layer whose name is a root key parses its section. */
static void parse_layers(cfg_t *cfg, struct cfg_node root, struct scenario *sc)
{
  sc->layer_conf = scenario_calloc(sc->layers->n, sizeof(*sc->layer_conf));
  for (size_t i = 0; i < sc->layers->n; i++) {
    const struct depin_layer *layer = sc->layers->layers[i];
    struct cfg_node section;
    cfg_get(cfg, root, layer->name, &section, false);
    if (!section.node)
      continue;
    size_t before = diag_error_count(cfg_diag(cfg));
    sc->layer_conf[i] = layer->parse(cfg, section);
    if (!sc->layer_conf[i] && diag_error_count(cfg_diag(cfg)) == before)
      cfg_error(cfg, section, "the %s layer refused its section", layer->name);
  }
}

static void validate_layers(cfg_t *cfg, struct scenario *sc)
{
  for (size_t i = 0; i < sc->layers->n; i++)
    if (sc->layer_conf[i] && sc->layers->layers[i]->validate)
      sc->layers->layers[i]->validate(sc, sc->layer_conf[i], cfg);
}

/* Counts over the machine's means: SCENARIO_HOST_MEMORY_BYTES per provider host against the
 * physical memory. Returns false (reported) when the platform would not fit. */
static bool check_means(cfg_t *cfg, struct cfg_node root, const struct scenario *sc)
{
  double need = 0;
  for (size_t i = 0; i < sc->n_classes; i++)
    need += (double)sc->classes[i].max_count * SCENARIO_HOST_MEMORY_BYTES;
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0)
    return true; /* unknown: do not refuse */
  double have = (double)pages * (double)page;
  if (need <= have)
    return true;
  struct cfg_node providers;
  cfg_get(cfg, root, "providers", &providers, false);
  char a[48], b[48];
  cfg_error(cfg, providers, "%.0f provider hosts need about %s of memory, more than this "
            "machine's %s", need / SCENARIO_HOST_MEMORY_BYTES,
            units_format(need, UNIT_SIZE, a, sizeof(a)), units_format(have, UNIT_SIZE, b, sizeof(b)));
  return false;
}

/* Reads every section of the document into sc. Returns the status of the load. */
static enum depin_status read_document(cfg_t *cfg, struct scenario *sc, const char *base_dir)
{
  diag_t *diag = cfg_diag(cfg);
  size_t before = diag_error_count(diag);
  struct cfg_node root = cfg_root(cfg);
  if (!cfg_is_mapping(root)) {
    cfg_error(cfg, root, "expected a mapping of sections (name, duration, providers, ...), "
                         "got %s", root.node ? (cfg_is_sequence(root) ? "a sequence" : "a scalar")
                                             : "an empty document");
    return DEPIN_EINVAL;
  }
  check_root_keys(cfg, root, sc);
  read_basics(cfg, root, sc);
  read_calibration(cfg, root, sc, base_dir);
  scenario_read_network(cfg, root, sc, base_dir);
  scenario_read_providers(cfg, root, sc);
  scenario_read_devices(cfg, root, sc);
  scenario_read_workload(cfg, root, sc);
  scenario_read_targets(cfg, root, sc);
  read_sweep(cfg, root, sc);
  parse_layers(cfg, root, sc);
  if (diag_error_count(diag) == before)
    validate_layers(cfg, sc);
  size_t before_means = diag_error_count(diag);
  bool fits = check_means(cfg, root, sc);
  if (diag_error_count(diag) == before)
    return DEPIN_OK;
  return !fits && before_means == before ? DEPIN_ENOMEM : DEPIN_EINVAL;
}

/* Applies the overrides, reads the document and hands back sc or frees everything. */
static enum depin_status load(cfg_t *cfg, const char *file, const char *base_dir,
                              const char *const overrides[], size_t n_overrides,
                              const struct layer_set *layers, struct scenario **out)
{
  struct scenario *sc = scenario_calloc(1, sizeof(*sc));
  sc->layers = layers;
  sc->cfg = cfg;
  sc->file = scenario_strdup(file);
  bool overrides_ok = true;
  for (size_t i = 0; i < n_overrides; i++)
    overrides_ok &= cfg_set(cfg, overrides[i]);
  enum depin_status st = read_document(cfg, sc, base_dir);
  if (!overrides_ok && st == DEPIN_OK)
    st = DEPIN_EINVAL;
  if (st != DEPIN_OK)
    goto fail;
  sc->text = cfg_emit(cfg);
  xbt_assert(sc->text, "out of memory writing the scenario text");
  sc->overrides = scenario_strdup("");
  for (size_t i = 0; i < n_overrides; i++) { /* one a line, for /meta and figure labels */
    char *joined = strfmt("%s%s%s", sc->overrides, i ? "\n" : "", overrides[i]);
    free(sc->overrides);
    sc->overrides = joined;
  }
  *out = sc;
  return DEPIN_OK;
fail:
  scenario_free(sc);
  return st;
}

enum depin_status scenario_load(const char *path, const char *const overrides[],
                                size_t n_overrides, const struct layer_set *layers,
                                diag_t *diag, struct scenario **out)
{
  if (access(path, F_OK) != 0) {
    diag_add(diag, DIAG_ERROR, path, 0, 0, NULL, "no such scenario file");
    return DEPIN_ENOENT;
  }
  cfg_t *cfg = cfg_load_file(path, diag);
  if (!cfg)
    return DEPIN_EINVAL;
  char *copy = scenario_strdup(path);
  enum depin_status st = load(cfg, path, dirname(copy), overrides, n_overrides, layers, out);
  free(copy);
  return st;
}

enum depin_status scenario_load_string(const char *name, const char *text,
                                       const char *const overrides[], size_t n_overrides,
                                       const struct layer_set *layers, diag_t *diag,
                                       struct scenario **out)
{
  cfg_t *cfg = cfg_load_string(name, text, diag);
  if (!cfg)
    return DEPIN_EINVAL;
  return load(cfg, name, NULL, overrides, n_overrides, layers, out);
}

static void free_layer_confs(struct scenario *sc)
{
  if (!sc->layer_conf)
    return;
  for (size_t i = 0; i < sc->layers->n; i++)
    if (sc->layer_conf[i] && sc->layers->layers[i]->conf_free)
      sc->layers->layers[i]->conf_free(sc->layer_conf[i]);
  free(sc->layer_conf);
}

void scenario_free(struct scenario *sc)
{
  if (!sc)
    return;
  free_layer_confs(sc);
  profile_set_free(sc->profiles);
  for (size_t i = 0; i < sc->n_calibration; i++)
    free(sc->calibration[i]);
  free(sc->calibration);
  for (size_t i = 0; i < sc->n_regions; i++)
    free(sc->regions[i].name);
  free(sc->regions);
  free(sc->latency_s);
  free(sc->network.outbound_cdf);
  for (size_t i = 0; i < sc->n_classes; i++) {
    free(sc->classes[i].name);
    free(sc->classes[i].gpu);
    free(sc->classes[i].regions);
  }
  free(sc->classes);
  for (size_t i = 0; i < sc->n_targets; i++) {
    free(sc->targets[i].metric);
    free(sc->targets[i].text);
  }
  free(sc->targets);
  free(sc->platform_file);
  free(sc->name);
  free(sc->text);
  free(sc->overrides);
  free(sc->file);
  cfg_free(sc->cfg);
  free(sc);
}

long scenario_region_index(const struct scenario *sc, const char *name)
{
  for (size_t i = 0; i < sc->n_regions; i++)
    if (sc->regions[i].name && strcmp(sc->regions[i].name, name) == 0)
      return (long)i;
  return -1;
}

size_t scenario_launch_count(const struct scenario *sc)
{
  size_t n = 0;
  for (size_t i = 0; i < sc->n_classes; i++)
    n += (size_t)sc->classes[i].count;
  return n;
}

long scenario_class_lookup(const struct scenario *sc, cfg_t *cfg, struct cfg_node at,
                           const char *name)
{
  long k = name ? scenario_class_index(sc, name) : -1;
  if (k >= 0)
    return k;
  const char **names = scenario_calloc(sc->n_classes + 1, sizeof(char *));
  for (size_t i = 0; i < sc->n_classes; i++)
    names[i] = sc->classes[i].name;
  cfg_error_unknown(cfg, at, "provider class", name ? name : "", names);
  free(names);
  return -1;
}

long scenario_class_index(const struct scenario *sc, const char *name)
{
  for (size_t i = 0; i < sc->n_classes; i++)
    if (sc->classes[i].name && strcmp(sc->classes[i].name, name) == 0)
      return (long)i;
  return -1;
}

const void *scenario_layer_conf(const struct scenario *sc, const char *layer_name)
{
  long i = sc->layer_conf ? layer_set_index(sc->layers, layer_name) : -1;
  return i >= 0 ? sc->layer_conf[i] : NULL;
}
