/* scenario.h: a scenario file, parsed, validated and converted to base units.
 *
 * scenario_load reads the YAML (sim/base/cfg.h), applies --set overrides, reads the core sections
 * (name, seed, duration, warmup, sample_interval, efficiency, calibration, regions, latency or
 * platform, providers, workload, targets, sweep) and hands each protocol layer of the given
 * layer set (layer.h) its own section. The workload section's keys belong to the layers that
 * declare them; the core checks only that each is known. All errors of the file are reported
 * at once, and nothing runs when there is one.
 *
 * Defaults: seed 0, warmup 0, sample_interval 10s (at most the duration), efficiency 0.4,
 * network: SimGrid's 4 MiB TCP window and CometBFT's 10 outbound / 40 inbound peers,
 * calibration every .yaml profile in the source tree's gpu/profiles, gpus_per_node 1, latency 0,
 * availability always up, cost and stake 0, behavior {honest: 1}, sybil_fraction 0. */
#ifndef DEPINSIM_SIM_SCENARIO_SCENARIO_H
#define DEPINSIM_SIM_SCENARIO_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/base/cfg.h"
#include "sim/base/diag.h"
#include "sim/base/status.h"
#include "sim/scenario/layer.h"

/* Provider behaviours (the `behavior` mix of a class); verification reads them. */
enum behavior { BEHAVIOR_HONEST, BEHAVIOR_LAZY, BEHAVIOR_MALICIOUS, BEHAVIOR_COLLUDING,
                BEHAVIOR_COUNT };
extern const char *const scenario_behavior_names[]; /* "honest", "lazy", ... NULL-terminated */

/* Default compute efficiency: the fraction of a GPU's measured dense GEMM rate that whole
 * jobs reach (model FLOPs utilisation). 0.4 is typical of large-model training and serving
 * reported by Megatron-LM and PaLM (MFU 38-46%); a scenario sets its own with `efficiency`. */
#define SCENARIO_DEFAULT_EFFICIENCY 0.4

/* Time-series resolution when `sample_interval` is absent (capped at the duration). */
#define SCENARIO_DEFAULT_SAMPLE_INTERVAL_S 10.0
/* Samples a run may take (duration / sample_interval): each series keeps every one. */
#define SCENARIO_MAX_SAMPLES 1e6

/* Memory one provider host costs the platform: a SimGrid host, its two links and its routes.
 * The first design measured 500,000 hosts in 1.5 GB (3 KB each) for the bare platform; routing to
 * regions and the world's per-provider state about double it. scenario_load refuses counts
 * whose estimate exceeds the machine's physical memory. */
#define SCENARIO_HOST_MEMORY_BYTES 6144.0

struct region {
  char *name;
  double backbone_Bps;  /* the region's shared backbone */
  double latency_s;     /* latency across the backbone, default 0 */
};

struct provider_class {
  char *name;            /* `class` */
  long count;            /* hosts up at launch */
  long max_count;        /* hosts provisioned (>= count): the rest are spares, off until the
                            token economy admits an operator to them (protocols/token) */
  char *gpu;             /* a device name of the calibration profiles */
  int gpus_per_node;
  int cpu_cores;         /* cores that check signatures in parallel; default 1, the core the
                            calibration profile's Ed25519 rate was measured on */
  size_t *regions;       /* indices into scenario.regions; hosts spread evenly over them */
  size_t n_regions;
  double uplink_Bps, downlink_Bps;
  double latency_s;      /* from a host to its region's backbone, each way */
  double mtbf_s, mttr_s; /* availability; mtbf_s == 0: always up */
  double cost_per_hour;  /* USD per GPU-hour, the operator's own cost */
  double stake;          /* tokens per node */
  double behavior[BEHAVIOR_COUNT]; /* fractions summing to 1 */
  double sybil_fraction; /* claims GPUs it does not have */
  size_t first_provider; /* index of its first host in the world's provider array; its
                            max_count hosts follow, the count launch hosts first */
};

/* SimGrid's default network/TCP-gamma: a flow moves at most this many bytes per round trip. */
#define NETWORK_DEFAULT_TCP_WINDOW_BYTES 4194304.0
/* CometBFT's p2p defaults (config.toml: max_num_outbound_peers = 10, max_num_inbound_peers =
 * 40): the peers each node dials and the most that may dial it. */
#define NETWORK_DEFAULT_OUTBOUND 10
#define NETWORK_DEFAULT_MAX_INBOUND 40

/* The `network` section: SimGrid's TCP window, and the peer-to-peer overlay that layers gossip
 * over (sim/engine/overlay.h). */
struct network_conf {
  double tcp_window_bytes; /* network/TCP-gamma */
  long outbound;           /* peers each node dials, when outbound_cdf is NULL */
  double *outbound_cdf;    /* or a distribution: outbound_cdf[i] = P(outbound <= i + 1) */
  size_t n_outbound_cdf;
  long max_inbound;        /* the most peers that may dial one node */
  double region_bias;      /* share of a node's outbound peers drawn from its own region */
};

/* The largest outbound degree a node of the overlay can draw, and the mean one. */
long network_max_outbound(const struct network_conf *n);
double network_mean_outbound(const struct network_conf *n);

enum target_op { TARGET_GE, TARGET_LE, TARGET_GT, TARGET_LT, TARGET_EQ };

struct target {
  char *metric;     /* a summary metric's name, e.g. "tps", "commit_latency_p99" */
  enum target_op op;
  double value;     /* in the metric's base unit */
  char *text;       /* as written: ">= 11000" */
  int line, col;    /* where it was written */
};

struct scenario {
  char *file;              /* the scenario's path as given */
  char *text;              /* the document with overrides, as YAML, for /meta */
  char *overrides;         /* the --set overrides applied, one a line ("" for none) */
  char *name;
  uint64_t seed;
  double duration_s, warmup_s, sample_interval_s;
  double efficiency;       /* see SCENARIO_DEFAULT_EFFICIENCY */

  char **calibration;      /* resolved profile paths */
  size_t n_calibration;
  struct profile_set *profiles; /* loaded from them; every class's gpu is in it */

  char *platform_file;     /* a user's SimGrid XML instead of regions (resolved path), or NULL */
  struct region *regions;
  size_t n_regions;
  double *latency_s;       /* n_regions x n_regions one-way latencies, symmetric */

  struct network_conf network;

  struct provider_class *classes;
  size_t n_classes;
  size_t n_providers;      /* hosts: the sum of max_counts (launch hosts and spares) */

  struct target *targets;
  size_t n_targets;

  const struct layer_set *layers; /* borrowed: the layers the scenario was read with */
  void **layer_conf;       /* one per layer of the set, NULL when its section is absent */
  cfg_t *cfg;              /* kept for sweeps: the document the scenario came from */
  struct cfg_node sweep;   /* the `sweep` section, node NULL when absent */
};

/* Loads and validates a scenario for the given layers (borrowed; they must outlive the
 * scenario). overrides are "key.path=value" strings (--set), applied in
 * order before validation. On success returns DEPIN_OK and *out (free with scenario_free).
 * On bad input returns DEPIN_EINVAL (or DEPIN_ENOENT for a missing file, DEPIN_ENOMEM when
 * the only problem is provider counts over this machine's memory) with every problem in
 * diag, and *out untouched. Layers' validate run only when everything else was valid. */
enum depin_status scenario_load(const char *path, const char *const overrides[],
                                size_t n_overrides, const struct layer_set *layers,
                                diag_t *diag, struct scenario **out);
/* The same from a YAML string; name stands for the file in messages and relative paths
 * resolve against the current directory. */
enum depin_status scenario_load_string(const char *name, const char *text,
                                       const char *const overrides[], size_t n_overrides,
                                       const struct layer_set *layers, diag_t *diag,
                                       struct scenario **out);
void scenario_free(struct scenario *sc);

/* Hosts up at launch: the sum of the classes' counts (spares left out). */
size_t scenario_launch_count(const struct scenario *sc);

/* Index of the provider class `name`, or -1 after reporting at node `at` that no class has
 * that name, with the closest one and the classes there are. For keys that name a class. */
long scenario_class_lookup(const struct scenario *sc, cfg_t *cfg, struct cfg_node at,
                           const char *name);

/* Index of a region or class by name, or -1. */
long scenario_region_index(const struct scenario *sc, const char *name);
long scenario_class_index(const struct scenario *sc, const char *name);

/* The layer's parsed configuration, or NULL when its section is absent. */
const void *scenario_layer_conf(const struct scenario *sc, const char *layer_name);

#endif
