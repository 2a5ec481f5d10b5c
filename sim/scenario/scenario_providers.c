/* scenario_providers.c: the `providers` section: classes of provider hosts, their regions,
 * links, availability, costs and behaviour mix. */
#include "sim/scenario/scenario_private.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/device/profile.h"

/* How far the behaviour fractions may stray from summing to 1 (rounding of decimal input). */
#define BEHAVIOR_SUM_TOLERANCE 1e-9

static const char *const class_keys[] = {
  "class", "count", "max_count", "gpu", "gpus_per_node", "cpu_cores", "region", "uplink", "downlink",
  "latency",
  "availability", "cost_per_hour", "stake", "behavior", "sybil_fraction", NULL,
};

static const char *const availability_keys[] = {"mtbf", "mttr", NULL};

const char *const scenario_behavior_names[] = {"honest", "lazy", "malicious", "colluding",
                                               NULL};

static void read_availability(cfg_t *cfg, struct cfg_node item, struct provider_class *pc)
{
  struct cfg_node a;
  if (!cfg_get(cfg, item, "availability", &a, false) || !a.node)
    return;
  if (!cfg_check_keys(cfg, a, availability_keys))
    return;
  cfg_get_quantity(cfg, a, "mtbf", UNIT_TIME, CFG_POSITIVE, DBL_MAX, &pc->mtbf_s, true);
  cfg_get_quantity(cfg, a, "mttr", UNIT_TIME, CFG_POSITIVE, DBL_MAX, &pc->mttr_s, true);
}

static void read_behavior(cfg_t *cfg, struct cfg_node item, struct provider_class *pc)
{
  struct cfg_node b;
  pc->behavior[BEHAVIOR_HONEST] = 1;
  if (!cfg_get(cfg, item, "behavior", &b, false) || !b.node)
    return;
  if (!cfg_check_keys(cfg, b, scenario_behavior_names))
    return;
  pc->behavior[BEHAVIOR_HONEST] = 0;
  bool ok = true;
  for (int k = 0; k < BEHAVIOR_COUNT; k++)
    ok &= cfg_get_quantity(cfg, b, scenario_behavior_names[k], UNIT_NUMBER, 0, 1,
                           &pc->behavior[k], false);
  double sum = 0;
  for (int k = 0; k < BEHAVIOR_COUNT; k++)
    sum += pc->behavior[k];
  if (ok && fabs(sum - 1) > BEHAVIOR_SUM_TOLERANCE)
    cfg_error(cfg, b, "the fractions sum to %.10g, not 1", sum);
}

/* The class's regions: one name or a list, each among sc->regions. With a platform file
 * (platform: the key is given) the names are the user's business: nothing is checked or kept. */
static void read_class_regions(cfg_t *cfg, struct cfg_node item, struct provider_class *pc,
                               const struct scenario *sc, bool platform)
{
  struct cfg_node r;
  if (!cfg_get(cfg, item, "region", &r, !platform) || !r.node || platform)
    return;
  size_t n = cfg_seq_count(r);
  if (n == 0 || cfg_is_mapping(r)) {
    cfg_error(cfg, r, "expected a region name or a list of them");
    return;
  }
  pc->regions = scenario_calloc(n, sizeof(*pc->regions));
  const char **names = scenario_calloc(sc->n_regions + 1, sizeof(*names));
  for (size_t i = 0; i < sc->n_regions; i++)
    names[i] = sc->regions[i].name ? sc->regions[i].name : "";
  for (size_t i = 0; i < n; i++) {
    struct cfg_node it = cfg_seq_item(r, i);
    const char *name = cfg_scalar(it);
    long idx = name ? scenario_region_index(sc, name) : -1;
    if (!name)
      cfg_error(cfg, it, "expected a region name");
    else if (idx < 0 && sc->n_regions > 0)
      cfg_error_unknown(cfg, it, "region", name, names);
    else if (idx >= 0)
      pc->regions[pc->n_regions++] = (size_t)idx;
  }
  free(names);
}

/* With a platform file the file places hosts and sets their links: a class's region and
 * latency are not used (its uplink and downlink still give the analytic bounds). */
static void warn_ignored_with_platform(cfg_t *cfg, struct cfg_node item, bool platform)
{
  static const char *const ignored[] = {"region", "latency", NULL};
  for (size_t i = 0; platform && ignored[i]; i++) {
    struct cfg_node n;
    if (cfg_get(cfg, item, ignored[i], &n, false) && n.node)
      cfg_warning(cfg, n, "ignored: with `platform`, the platform file places the hosts and "
                  "sets their links (uplink and downlink still give the bounds)");
  }
}

/* Hosts provisioned for the class: its launch `count` plus spares that the token economy's
 * entrants switch on (protocols/token). At least count; count when absent. */
static void read_max_count(cfg_t *cfg, struct cfg_node item, struct provider_class *pc)
{
  struct cfg_node key;
  pc->max_count = pc->count;
  if (!cfg_get(cfg, item, "max_count", &key, false) || !key.node)
    return;
  long max = 0;
  if (cfg_get_int(cfg, item, "max_count", &max, 1, LONG_MAX, false) && pc->count > 0 &&
      max < pc->count)
    cfg_error(cfg, key, "%ld is below count %ld (allowed: an integer from count, %ld, up)", max,
              pc->count, pc->count);
  else if (max > 0)
    pc->max_count = max;
}

static void read_class(cfg_t *cfg, struct cfg_node item, struct provider_class *pc,
                       const struct scenario *sc, bool platform)
{
  if (!cfg_is_mapping(item)) {
    cfg_error(cfg, item, "expected a mapping describing a provider class");
    return;
  }
  long gpus = 1, cores = 1;
  cfg_check_keys(cfg, item, class_keys);
  cfg_get_name(cfg, item, "class", &pc->name, true);
  cfg_get_int(cfg, item, "count", &pc->count, 1, LONG_MAX, true);
  read_max_count(cfg, item, pc);
  cfg_get_string(cfg, item, "gpu", &pc->gpu, true);
  cfg_get_int(cfg, item, "gpus_per_node", &gpus, 1, 1024, false);
  pc->gpus_per_node = (int)gpus;
  cfg_get_int(cfg, item, "cpu_cores", &cores, 1, 4096, false);
  pc->cpu_cores = (int)cores;
  read_class_regions(cfg, item, pc, sc, platform);
  warn_ignored_with_platform(cfg, item, platform);
  cfg_get_quantity(cfg, item, "uplink", UNIT_BANDWIDTH, CFG_POSITIVE, DBL_MAX, &pc->uplink_Bps,
                   true);
  cfg_get_quantity(cfg, item, "downlink", UNIT_BANDWIDTH, CFG_POSITIVE, DBL_MAX,
                   &pc->downlink_Bps, true);
  cfg_get_quantity(cfg, item, "latency", UNIT_TIME, 0, DBL_MAX, &pc->latency_s, false);
  read_availability(cfg, item, pc);
  cfg_get_quantity(cfg, item, "cost_per_hour", UNIT_NUMBER, 0, DBL_MAX, &pc->cost_per_hour,
                   false);
  cfg_get_quantity(cfg, item, "stake", UNIT_NUMBER, 0, DBL_MAX, &pc->stake, false);
  read_behavior(cfg, item, pc);
  cfg_get_quantity(cfg, item, "sybil_fraction", UNIT_NUMBER, 0, 1, &pc->sybil_fraction, false);
}

static void check_class_names(cfg_t *cfg, struct cfg_node providers, struct scenario *sc)
{
  for (size_t i = 0; i < sc->n_classes; i++)
    for (size_t j = 0; j < i && sc->classes[i].name; j++)
      if (sc->classes[j].name && strcmp(sc->classes[i].name, sc->classes[j].name) == 0) {
        struct cfg_node name;
        cfg_get(cfg, cfg_seq_item(providers, i), "class", &name, true);
        cfg_error(cfg, name, "duplicate class '%s' (first at line %d)", sc->classes[i].name,
                  cfg_line(cfg_seq_item(providers, j)));
        break;
      }
}

void scenario_read_providers(cfg_t *cfg, struct cfg_node root, struct scenario *sc)
{
  struct cfg_node providers, platform;
  cfg_get(cfg, root, "platform", &platform, false);
  if (!cfg_get(cfg, root, "providers", &providers, true))
    return;
  if (!cfg_is_sequence(providers) || cfg_seq_count(providers) == 0) {
    cfg_error(cfg, providers, "expected a non-empty sequence of provider classes");
    return;
  }
  sc->n_classes = cfg_seq_count(providers);
  sc->classes = scenario_calloc(sc->n_classes, sizeof(*sc->classes));
  size_t first = 0;
  for (size_t i = 0; i < sc->n_classes; i++) {
    struct provider_class *pc = &sc->classes[i];
    read_class(cfg, cfg_seq_item(providers, i), pc, sc, platform.node != NULL);
    pc->first_provider = first;
    first = (size_t)pc->max_count > SIZE_MAX - first ? SIZE_MAX : first + (size_t)pc->max_count;
  }
  sc->n_providers = first;
  check_class_names(cfg, providers, sc);
}

/* Loads the calibration profiles into sc and checks that every class's gpu is one of their
 * devices, reporting an unknown one at its key with the devices available. */
void scenario_read_devices(cfg_t *cfg, struct cfg_node root, struct scenario *sc)
{
  if (sc->n_calibration == 0)
    return;
  sc->profiles = profile_set_load((const char *const *)sc->calibration, sc->n_calibration,
                                  cfg_diag(cfg));
  if (!sc->profiles)
    return; /* each problem of the profiles is already reported with its position */
  size_t n = profile_set_count(sc->profiles);
  const char **names = scenario_calloc(n + 1, sizeof(char *));
  for (size_t i = 0; i < n; i++)
    names[i] = profile_set_at(sc->profiles, i)->name;
  struct cfg_node providers;
  cfg_get(cfg, root, "providers", &providers, false);
  for (size_t c = 0; c < sc->n_classes && providers.node; c++) {
    const char *gpu = sc->classes[c].gpu;
    if (!gpu || profile_set_find(sc->profiles, gpu))
      continue;
    struct cfg_node key;
    cfg_get(cfg, cfg_seq_item(providers, c), "gpu", &key, false);
    cfg_error_unknown(cfg, key, "gpu", gpu, names);
  }
  free(names);
}
