/* ledger_conf.c: the `ledger` section of a scenario and the workload it carries
 * (workload.transactions): reading, defaults and checks. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/ledger/ledger.h"
#include "sim/scenario/scenario.h"

/* 0G's per-shard figure: 50 validators, 500 ms blocks (docs/reference/0g.md). */
#define LEDGER_DEFAULT_VALIDATORS 50
#define LEDGER_DEFAULT_BLOCK_TIME_S 0.5
#define LEDGER_DEFAULT_MAX_BLOCK_BYTES 4e6
#define LEDGER_DEFAULT_FANOUT 8
/* CometBFT's BlockPartSizeBytes (types/params.go): blocks are gossiped in 64 KiB parts. */
#define LEDGER_DEFAULT_PART_BYTES 65536.0
/* CometBFT's default timeout_propose (config.toml: 3s): how long validators wait for a proposal
 * before moving to the next round. [our reading: the same wait bounds a round missing its
 * quorum, where CometBFT adds prevote and precommit timeouts of 1 s each] */
#define LEDGER_DEFAULT_ROUND_TIMEOUT_S 3.0
/* CometBFT's default timeout_propose_delta (config.toml: 500ms): each further round of a
 * height waits this much longer. */
#define LEDGER_DEFAULT_ROUND_TIMEOUT_DELTA_S 0.5

static const char *const ledger_keys[] = {"validators", "full_nodes", "block_time",
                                          "max_block_bytes",
                                          "dissemination", "quorum", "proposer", "votes",
                                          "mempool", "shards",
                                          "round_timeout", "round_timeout_delta", NULL};
static const char *const dissemination_keys[] = {"kind", "fanout", "part_size", "uplink",
                                                 "connection_rate", "processing", "compact",
                                                 NULL};
/* In enum ledger_dissemination order; the mesh kinds in gossip_protocol_names order. */
static const char *const dissemination_kinds[] = {"direct", "tree", "flood", "announce",
                                                  "compact", "parts", NULL};
static const char *const proposer_kinds[] = {"rotate", "lottery", NULL};
static const char *const vote_kinds[] = {"direct", "gossip", NULL};
static const char *const mempool_keys[] = {"gossip", "checks", NULL};
static const char *const check_kinds[] = {"block", "mempool", NULL};

static bool parse_mempool(cfg_t *cfg, struct cfg_node section, struct ledger_conf *c)
{
  struct cfg_node m;
  cfg_get(cfg, section, "mempool", &m, false);
  if (!m.node)
    return true;
  if (!cfg_check_keys(cfg, m, mempool_keys))
    return false;
  int checks = c->checks;
  bool ok = cfg_get_bool(cfg, m, "gossip", &c->mempool_gossip, false);
  ok &= cfg_get_enum(cfg, m, "checks", check_kinds, &checks, false);
  c->checks = (enum ledger_checks)checks;
  return ok;
}
static const char *const transaction_keys[] = {"rate", "size", NULL};

/* workload.transactions: rate and size, read here (the core only checks it is a mapping); its
 * absence is reported by ledger_conf_validate. */
static bool read_transactions(cfg_t *cfg, struct ledger_conf *c)
{
  struct cfg_node workload, tx = {0};
  cfg_get(cfg, cfg_root(cfg), "workload", &workload, false);
  if (workload.node)
    cfg_get(cfg, workload, "transactions", &tx, false);
  if (!tx.node)
    return true;
  if (!cfg_check_keys(cfg, tx, transaction_keys))
    return false;
  bool ok = cfg_get_quantity(cfg, tx, "rate", UNIT_RATE, CFG_POSITIVE, DBL_MAX,
                             &c->tx_rate_per_s, true);
  ok &= cfg_get_quantity(cfg, tx, "size", UNIT_SIZE, CFG_POSITIVE, DBL_MAX, &c->tx_bytes, true);
  return ok;
}

/* Keys that only the mesh protocols read, given to direct or tree. */
static bool refuse_mesh_keys(cfg_t *cfg, struct cfg_node d)
{
  static const char *const mesh_only[] = {"uplink", "connection_rate", "processing", "compact",
                                          NULL};
  bool ok = true;
  for (size_t i = 0; mesh_only[i]; i++) {
    struct cfg_node key;
    cfg_get(cfg, d, mesh_only[i], &key, false);
    if (key.node) {
      cfg_error(cfg, key, "%s applies to the mesh protocols (kind: flood, announce, compact or "
                "parts), not to direct or tree", mesh_only[i]);
      ok = false;
    }
  }
  return ok;
}

static bool parse_dissemination(cfg_t *cfg, struct cfg_node section, struct ledger_conf *c)
{
  struct cfg_node d;
  if (!cfg_get(cfg, section, "dissemination", &d, false) || !d.node)
    return d.node == NULL;
  bool ok = cfg_check_keys(cfg, d, dissemination_keys);
  struct cfg_node kind_node;
  cfg_get(cfg, d, "kind", &kind_node, false);
  if (kind_node.node && cfg_scalar(kind_node) && strcmp(cfg_scalar(kind_node), "gossip") == 0) {
    cfg_error(cfg, kind_node, "'gossip' is now 'tree' (the gossip tree of SimGrid flows); the "
              "mesh protocols over the overlay are flood, announce, compact and parts");
    return false;
  }
  int kind = c->dissemination;
  ok &= cfg_get_enum(cfg, d, "kind", dissemination_kinds, &kind, false);
  c->dissemination = (enum ledger_dissemination)kind;
  if (!ok)
    return false;
  if (!ledger_uses_mesh(c->dissemination)) {
    ok &= cfg_get_int(cfg, d, "fanout", &c->fanout, 1, 1000000, false);
    ok &= cfg_get_quantity(cfg, d, "part_size", UNIT_SIZE, 1, 1e12, &c->part_bytes, false);
    return ok && refuse_mesh_keys(cfg, d);
  }
  gossip_conf_defaults(&c->gossip, (enum gossip_protocol)(c->dissemination - LEDGER_FLOOD));
  ok &= gossip_conf_read(cfg, d, &c->gossip);
  struct cfg_node compact;
  cfg_get(cfg, d, "compact", &compact, false);
  if (compact.node && c->dissemination != LEDGER_COMPACT) {
    cfg_error(cfg, compact, "compact applies to kind: compact");
    ok = false;
  }
  struct cfg_node fanout;
  cfg_get(cfg, d, "fanout", &fanout, false);
  if (fanout.node) {
    cfg_error(cfg, fanout, "fanout is the gossip tree's (kind: tree); the mesh protocols "
              "gossip to the overlay's peers (network.overlay.outbound)");
    ok = false;
  }
  return ok;
}

void *ledger_conf_parse(cfg_t *cfg, struct cfg_node section)
{
  struct ledger_conf *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  *c = (struct ledger_conf){
    .validators = LEDGER_DEFAULT_VALIDATORS,
    .block_time_s = LEDGER_DEFAULT_BLOCK_TIME_S,
    .max_block_bytes = LEDGER_DEFAULT_MAX_BLOCK_BYTES,
    .dissemination = LEDGER_TREE,
    .fanout = LEDGER_DEFAULT_FANOUT,
    .part_bytes = LEDGER_DEFAULT_PART_BYTES,
    .quorum = 2.0 / 3.0,
    .shards = 1,
    .round_timeout_s = LEDGER_DEFAULT_ROUND_TIMEOUT_S,
    .round_timeout_delta_s = LEDGER_DEFAULT_ROUND_TIMEOUT_DELTA_S,
  };
  bool ok = cfg_check_keys(cfg, section, ledger_keys);
  ok &= cfg_get_int(cfg, section, "validators", &c->validators, 1, 100000, false);
  ok &= cfg_get_int(cfg, section, "full_nodes", &c->full_nodes, 0, 10000000, false);
  ok &= cfg_get_quantity(cfg, section, "block_time", UNIT_TIME, 1e-6, 86400, &c->block_time_s,
                         false);
  ok &= cfg_get_quantity(cfg, section, "max_block_bytes", UNIT_SIZE, LEDGER_HEADER_BYTES + 1,
                         1e12, &c->max_block_bytes, false);
  ok &= parse_dissemination(cfg, section, c);
  ok &= cfg_get_quantity(cfg, section, "quorum", UNIT_NUMBER, 1e-9, 1, &c->quorum, false);
  int proposer = c->proposer;
  ok &= cfg_get_enum(cfg, section, "proposer", proposer_kinds, &proposer, false);
  c->proposer = (enum ledger_proposer)proposer;
  ok &= parse_mempool(cfg, section, c);
  int votes = c->votes;
  ok &= cfg_get_enum(cfg, section, "votes", vote_kinds, &votes, false);
  c->votes = (enum ledger_votes)votes;
  ok &= cfg_get_int(cfg, section, "shards", &c->shards, 1, 10000, false);
  ok &= cfg_get_quantity(cfg, section, "round_timeout", UNIT_TIME, 1e-6, 1e9,
                         &c->round_timeout_s, false);
  ok &= cfg_get_quantity(cfg, section, "round_timeout_delta", UNIT_TIME, 0, 1e9,
                         &c->round_timeout_delta_s, false);
  ok &= read_transactions(cfg, c);
  if (!ok) {
    free(c);
    return NULL;
  }
  return c;
}

/* An outbound degree the scenario wrote that is not below the nodes of a shard (the default
 * degree is cut to the nodes there are). */
static bool check_degree(cfg_t *cfg, const struct scenario *sc, long nodes)
{
  struct cfg_node network, overlay = {0}, at = {0};
  cfg_get(cfg, cfg_root(cfg), "network", &network, false);
  if (network.node)
    cfg_get(cfg, network, "overlay", &overlay, false);
  if (overlay.node)
    cfg_get(cfg, overlay, "outbound", &at, false);
  if (!at.node || network_max_outbound(&sc->network) < nodes)
    return true;
  cfg_error(cfg, at, "an outbound degree of %ld needs more nodes than that in each shard, the "
            "ledger has %ld (validators + full_nodes; allowed: outbound below the nodes)",
            network_max_outbound(&sc->network), nodes);
  return false;
}

/* Features that exist only over the overlay, each refused without a mesh kind; those that
 * keep a time per validator (pair, or batch) refused beyond LEDGER_MAX_GOSSIP_VOTERS. */
static bool check_mesh_features(cfg_t *cfg, struct cfg_node section, const struct ledger_conf *c)
{
  const struct {
    bool on;
    const char *what;
    bool per_validator;
  } features[] = {
    {c->full_nodes > 0, "full_nodes relay blocks over the overlay", false},
    {c->votes == LEDGER_VOTES_GOSSIP,
     "votes: gossip spreads prevotes and precommits over the overlay", true},
    {c->mempool_gossip, "mempool.gossip floods transactions over the overlay", true},
  };
  bool ok = true;
  for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
    if (!features[i].on)
      continue;
    if (!ledger_uses_mesh(c->dissemination)) {
      cfg_error(cfg, section, "%s: give dissemination.kind flood, announce, compact or parts",
                features[i].what);
      ok = false;
    } else if (features[i].per_validator && c->validators > LEDGER_MAX_GOSSIP_VOTERS) {
      cfg_error(cfg, section, "%s, keeping a time per validator: %ld validators (allowed: at "
                "most %d)", features[i].what, c->validators, LEDGER_MAX_GOSSIP_VOTERS);
      ok = false;
    }
  }
  return ok;
}

bool ledger_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg)
{
  struct ledger_conf *c = (struct ledger_conf *)conf;
  struct cfg_node section;
  cfg_get(cfg, cfg_root(cfg), "ledger", &section, true);
  bool ok = true;
  if (c->tx_rate_per_s <= 0 || c->tx_bytes <= 0) {
    cfg_error(cfg, section, "the ledger needs workload.transactions with a rate and a size");
    ok = false;
  } else if (c->tx_bytes > c->max_block_bytes - LEDGER_HEADER_BYTES) {
    cfg_error(cfg, section, "a transaction (%g B) does not fit in max_block_bytes (%g B) after "
              "the %g B header", c->tx_bytes, c->max_block_bytes, LEDGER_HEADER_BYTES);
    ok = false;
  }
  long nodes = c->validators + c->full_nodes;
  if ((size_t)(nodes * c->shards) > scenario_launch_count(sc)) {
    cfg_error(cfg, section, "(validators + full_nodes) x shards = %ld needs that many providers, "
              "the scenario has %zu at launch", nodes * c->shards,
              scenario_launch_count(sc));
    ok = false;
  }
  if (ledger_uses_mesh(c->dissemination))
    ok &= check_degree(cfg, sc, nodes);
  ok &= check_mesh_features(cfg, section, c);
  return ok;
}

void ledger_conf_free(void *conf)
{
  free(conf);
}

double ledger_mempool_tick(const struct ledger_conf *c)
{
  return fmin(c->block_time_s / 10, 0.05);
}

/* Gossip events a node costs per block, fitted to measured runs (docs/benchmarks.md): an
 * upload is a completion and an arrival; announce and compact skip most invs (7.5 a node on
 * scenarios/simblock-bitcoin.yaml); parts send each part over more than half of the
 * connections (261 a node on scenarios/default.yaml: 22 parts, 20 peers). */
static double events_per_node(const struct ledger_conf *c, double degree, double bytes)
{
  switch (c->dissemination) {
  case LEDGER_FLOOD: return 2 * degree;
  case LEDGER_PARTS: return fmax(1, fmin(GOSSIP_MAX_PARTS, ceil(bytes / c->gossip.part_bytes))) *
                            degree / 1.7;
  default: return degree / 4 + 3;
  }
}

void ledger_estimate(const struct scenario *sc, const void *conf, struct run_cost *cost)
{
  const struct ledger_conf *c = conf;
  double blocks = (double)c->shards * sc->duration_s / c->block_time_s;
  double v = (double)c->validators;
  double offered = c->tx_rate_per_s / (double)c->shards * c->block_time_s * c->tx_bytes;
  double bytes = fmin(c->max_block_bytes, LEDGER_HEADER_BYTES + offered);
  if (c->dissemination == LEDGER_DIRECT) {
    cost->activities += blocks * 3 * v; /* the block to each, its check, its vote */
    cost->flows = fmax(cost->flows, v);
  } else if (c->dissemination == LEDGER_TREE) {
    double messages = fmin(16, fmax(1, ceil(bytes / c->part_bytes)));
    cost->activities += blocks * v * (messages + 2);
    cost->flows = fmax(cost->flows, (double)c->fanout * messages);
  } else {
    double nodes = v + (double)c->full_nodes;
    double degree = fmin(2 * network_mean_outbound(&sc->network), nodes - 1);
    cost->gossip_events += blocks * nodes * events_per_node(c, degree, bytes);
    if (c->mempool_gossip) { /* a flood a mempool tick: an upload is two events */
      cost->gossip_events +=
        (double)c->shards * sc->duration_s / ledger_mempool_tick(c) * nodes * 2 * degree;
    }
    cost->gossip_nodes = fmax(cost->gossip_nodes, nodes);
    cost->activities += 2 * blocks; /* the proposer's actor and its sleep */
  }
}
