/* scenario_net.c: the network sections of a scenario: regions, the latency matrix between
 * them, or a user's SimGrid platform file instead of both. */
#include "sim/scenario/scenario_private.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const region_keys[] = {"name", "backbone", "latency", NULL};

/* Reads regions[i]; its name stays NULL when missing or bad. */
static void read_region(cfg_t *cfg, struct cfg_node item, struct region *r)
{
  if (!cfg_is_mapping(item)) {
    cfg_error(cfg, item, "expected a mapping {name, backbone, latency}, got %s",
              cfg_is_sequence(item) ? "a sequence" : "a scalar");
    return;
  }
  cfg_check_keys(cfg, item, region_keys);
  cfg_get_name(cfg, item, "name", &r->name, true);
  cfg_get_quantity(cfg, item, "backbone", UNIT_BANDWIDTH, CFG_POSITIVE, DBL_MAX,
                   &r->backbone_Bps, true);
  cfg_get_quantity(cfg, item, "latency", UNIT_TIME, 0, DBL_MAX, &r->latency_s, false);
}

/* Duplicate names: each repeat is reported where it is written. */
static void check_region_names(cfg_t *cfg, struct cfg_node regions, struct scenario *sc)
{
  for (size_t i = 0; i < sc->n_regions; i++)
    for (size_t j = 0; j < i && sc->regions[i].name; j++)
      if (sc->regions[j].name && strcmp(sc->regions[i].name, sc->regions[j].name) == 0) {
        struct cfg_node name;
        cfg_get(cfg, cfg_seq_item(regions, i), "name", &name, true);
        cfg_error(cfg, name, "duplicate region '%s' (first at line %d)", sc->regions[i].name,
                  cfg_line(cfg_seq_item(regions, j)));
        break;
      }
}

/* Returns false when there is no list of regions to check latencies against. */
static bool read_regions(cfg_t *cfg, struct cfg_node regions, struct scenario *sc)
{
  if (!cfg_is_sequence(regions) || cfg_seq_count(regions) == 0) {
    cfg_error(cfg, regions, "expected a non-empty sequence of regions "
                            "(e.g. - {name: us-east, backbone: 100Gbps})");
    return false;
  }
  sc->n_regions = cfg_seq_count(regions);
  sc->regions = scenario_calloc(sc->n_regions, sizeof(*sc->regions));
  for (size_t i = 0; i < sc->n_regions; i++)
    read_region(cfg, cfg_seq_item(regions, i), &sc->regions[i]);
  check_region_names(cfg, regions, sc);
  return true;
}

/* The region names (borrowed, NULL-terminated, owned array) for did-you-mean. */
static const char **region_names(const struct scenario *sc)
{
  const char **names = scenario_calloc(sc->n_regions + 1, sizeof(*names));
  size_t k = 0;
  for (size_t i = 0; i < sc->n_regions; i++)
    if (sc->regions[i].name)
      names[k++] = sc->regions[i].name;
  return names;
}

/* A region named by mapping key i of n, or -1 after reporting. */
static long latency_region(cfg_t *cfg, struct cfg_node n, size_t i, const struct scenario *sc)
{
  const char *key = cfg_map_key(n, i);
  long r = key ? scenario_region_index(sc, key) : -1;
  if (r < 0) {
    const char **names = region_names(sc);
    cfg_error_unknown(cfg, cfg_map_key_at(n, i), "region", key ? key : "", names);
    free(names);
  }
  return r;
}

/* Sets latency a<->b from value v; a pair given twice must agree. */
static void set_latency(cfg_t *cfg, struct cfg_node v, struct scenario *sc, size_t a, size_t b,
                        double *given)
{
  double lat;
  size_t n = sc->n_regions;
  if (!cfg_to_quantity(cfg, v, UNIT_TIME, 0, DBL_MAX, &lat))
    return;
  if (a == b) {
    cfg_error(cfg, v, "latency within region '%s' is its own `latency` key, not an entry here",
              sc->regions[a].name);
    return;
  }
  if (!isnan(given[a * n + b]) && given[a * n + b] != lat) {
    cfg_error(cfg, v, "latency between '%s' and '%s' is given twice with different values",
              sc->regions[a].name, sc->regions[b].name);
    return;
  }
  given[a * n + b] = given[b * n + a] = lat;
}

static void read_latency_row(cfg_t *cfg, struct cfg_node row, struct scenario *sc, size_t a,
                             double *given)
{
  if (!cfg_is_mapping(row)) {
    cfg_error(cfg, row, "expected a mapping of region: latency, got %s",
              cfg_is_sequence(row) ? "a sequence" : "a scalar");
    return;
  }
  for (size_t j = 0; j < cfg_map_count(row); j++) {
    long b = latency_region(cfg, row, j, sc);
    if (b >= 0)
      set_latency(cfg, cfg_map_value(row, j), sc, a, (size_t)b, given);
  }
}

/* Every pair of distinct regions needs a latency; missing pairs are reported at `where`. */
static void read_latency(cfg_t *cfg, struct cfg_node latency, struct cfg_node where,
                         struct scenario *sc)
{
  size_t n = sc->n_regions;
  double *given = scenario_calloc(n * n, sizeof(*given));
  for (size_t i = 0; i < n * n; i++)
    given[i] = i % (n + 1) == 0 ? 0 : NAN;
  if (latency.node && !cfg_is_mapping(latency))
    cfg_error(cfg, latency, "expected a mapping of region: {region: latency}");
  for (size_t i = 0; i < cfg_map_count(latency); i++) {
    long a = latency_region(cfg, latency, i, sc);
    if (a >= 0)
      read_latency_row(cfg, cfg_map_value(latency, i), sc, (size_t)a, given);
  }
  for (size_t a = 0; a < n; a++)
    for (size_t b = a + 1; b < n; b++)
      if (isnan(given[a * n + b]) && sc->regions[a].name && sc->regions[b].name &&
          strcmp(sc->regions[a].name, sc->regions[b].name) != 0) /* duplicates: reported */
        cfg_error(cfg, where, "missing latency between '%s' and '%s'", sc->regions[a].name,
                  sc->regions[b].name);
  for (size_t i = 0; i < n * n; i++)
    if (isnan(given[i]))
      given[i] = 0;
  sc->latency_s = given;
}

static void read_platform(cfg_t *cfg, struct cfg_node root, struct scenario *sc,
                          const char *base_dir)
{
  char *file = NULL;
  struct cfg_node node;
  cfg_get(cfg, root, "platform", &node, true);
  if (!cfg_get_string(cfg, root, "platform", &file, true))
    return;
  char *tried = NULL;
  sc->platform_file = scenario_resolve_path(file, base_dir, &tried);
  if (!sc->platform_file)
    cfg_error(cfg, node, "platform file '%s' not found (tried: %s)", file, tried);
  free(tried);
  free(file);
}

static const char *const network_keys[] = {"tcp_window", "overlay", NULL};
static const char *const overlay_keys[] = {"outbound", "max_inbound", "region_bias", NULL};
static const char *const outbound_keys[] = {"cdf", NULL};

long network_max_outbound(const struct network_conf *n)
{
  return n->outbound_cdf ? (long)n->n_outbound_cdf : n->outbound;
}

double network_mean_outbound(const struct network_conf *n)
{
  if (!n->outbound_cdf)
    return (double)n->outbound;
  double mean = 0;
  for (size_t i = 0; i < n->n_outbound_cdf; i++)
    mean += (double)(i + 1) * (n->outbound_cdf[i] - (i ? n->outbound_cdf[i - 1] : 0));
  return mean;
}

/* overlay.outbound as a distribution: {cdf: [P(1), P(<= 2), ...]}, non-decreasing, ending
 * at 1 (SimBlock's form of Bitcoin's degree distribution). */
static void read_outbound_cdf(cfg_t *cfg, struct cfg_node outbound, struct network_conf *n)
{
  struct cfg_node cdf;
  if (!cfg_check_keys(cfg, outbound, outbound_keys) ||
      !cfg_get(cfg, outbound, "cdf", &cdf, true))
    return;
  size_t count = cfg_is_sequence(cdf) ? cfg_seq_count(cdf) : 0;
  if (count == 0 || count > 10000) {
    cfg_error(cfg, cdf, "expected a sequence of 1 to 10000 cumulative probabilities, "
                        "P(outbound <= 1), P(outbound <= 2), ...");
    return;
  }
  double *p = scenario_calloc(count, sizeof(*p));
  bool ok = true;
  for (size_t i = 0; i < count && ok; i++) {
    struct cfg_node item = cfg_seq_item(cdf, i);
    ok = cfg_to_quantity(cfg, item, UNIT_NUMBER, 0, 1, &p[i]);
    if (ok && i > 0 && p[i] < p[i - 1]) {
      cfg_error(cfg, item, "%g is below the %g before it (allowed: a non-decreasing cumulative "
                "distribution)", p[i], p[i - 1]);
      ok = false;
    }
  }
  if (ok && p[count - 1] != 1) {
    cfg_error(cfg, cfg_seq_item(cdf, count - 1), "the last probability, P(outbound <= %zu), is "
              "%g (allowed: 1)", count, p[count - 1]);
    ok = false;
  }
  if (!ok) {
    free(p);
    return;
  }
  n->outbound_cdf = p;
  n->n_outbound_cdf = count;
}

static void read_overlay(cfg_t *cfg, struct cfg_node overlay, struct network_conf *n)
{
  struct cfg_node outbound;
  if (!cfg_check_keys(cfg, overlay, overlay_keys))
    return;
  cfg_get(cfg, overlay, "outbound", &outbound, false);
  if (outbound.node && cfg_is_mapping(outbound))
    read_outbound_cdf(cfg, outbound, n);
  else
    cfg_get_int(cfg, overlay, "outbound", &n->outbound, 1, 10000, false);
  cfg_get_int(cfg, overlay, "max_inbound", &n->max_inbound, 1, 1000000, false);
  cfg_get_quantity(cfg, overlay, "region_bias", UNIT_NUMBER, 0, 1, &n->region_bias, false);
  if (n->max_inbound < network_max_outbound(n))
    cfg_error(cfg, overlay, "max_inbound %ld is below the outbound degree %ld (allowed: at "
              "least as many inbound as outbound peers, or most nodes could not find peers)",
              n->max_inbound, network_max_outbound(n));
}

/* The `network` section; defaults when absent. */
static void read_network_section(cfg_t *cfg, struct cfg_node root, struct network_conf *n)
{
  struct cfg_node section, overlay;
  *n = (struct network_conf){.tcp_window_bytes = NETWORK_DEFAULT_TCP_WINDOW_BYTES,
                             .outbound = NETWORK_DEFAULT_OUTBOUND,
                             .max_inbound = NETWORK_DEFAULT_MAX_INBOUND};
  cfg_get(cfg, root, "network", &section, false);
  if (!section.node || !cfg_check_keys(cfg, section, network_keys))
    return;
  cfg_get_quantity(cfg, section, "tcp_window", UNIT_SIZE, 1, 1e15, &n->tcp_window_bytes, false);
  cfg_get(cfg, section, "overlay", &overlay, false);
  if (overlay.node)
    read_overlay(cfg, overlay, n);
}

void scenario_read_network(cfg_t *cfg, struct cfg_node root, struct scenario *sc,
                           const char *base_dir)
{
  struct cfg_node regions, latency, platform;
  read_network_section(cfg, root, &sc->network);
  cfg_get(cfg, root, "regions", &regions, false);
  cfg_get(cfg, root, "latency", &latency, false);
  cfg_get(cfg, root, "platform", &platform, false);
  if (platform.node) {
    read_platform(cfg, root, sc, base_dir);
    if (regions.node)
      cfg_error(cfg, regions, "give either `platform` or `regions`, not both");
    if (latency.node)
      cfg_error(cfg, latency, "give either `platform` or `latency`, not both");
    return;
  }
  if (!regions.node) {
    regions.node = root.node; /* placed at the document's start */
    cfg_error(cfg, regions, "missing required key (or `platform`: a SimGrid platform file)");
    return;
  }
  if (read_regions(cfg, regions, sc))
    read_latency(cfg, latency, latency.node ? latency : regions, sc);
}
