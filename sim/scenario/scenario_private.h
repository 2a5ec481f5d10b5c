/* scenario_private.h: what the files of the scenario reader share (scenario.c, scenario_net.c,
 * scenario_providers.c, scenario_targets.c) and nothing else should see. */
#ifndef DEPINSIM_SIM_SCENARIO_SCENARIO_PRIVATE_H
#define DEPINSIM_SIM_SCENARIO_SCENARIO_PRIVATE_H

#include "sim/scenario/scenario.h"

/* Each reads its sections of the root mapping into sc, reporting every problem to the cfg's
 * diag. base_dir is the scenario file's folder (NULL for a string): relative paths resolve
 * against the current directory, then it, then depinsim's data folder (paths_data_dir). */
void scenario_read_network(cfg_t *cfg, struct cfg_node root, struct scenario *sc,
                           const char *base_dir);
void scenario_read_providers(cfg_t *cfg, struct cfg_node root, struct scenario *sc);
/* After calibration and providers: loads the profiles, checks every class's gpu. */
void scenario_read_devices(cfg_t *cfg, struct cfg_node root, struct scenario *sc);
void scenario_read_workload(cfg_t *cfg, struct cfg_node root, const struct scenario *sc);
void scenario_read_targets(cfg_t *cfg, struct cfg_node root, struct scenario *sc);

/* The first of `rel`, base_dir/rel, <data folder>/rel that exists (owned, free()), or
 * NULL with *tried set to "a, b, c" (owned, free()). An absolute path is tried alone. */
char *scenario_resolve_path(const char *rel, const char *base_dir, char **tried);

/* A copy of s (owned); out of memory asserts. */
char *scenario_strdup(const char *s);
/* calloc that asserts on failure (out of memory is not bad input). */
void *scenario_calloc(size_t n, size_t size);

#endif
