/* ledger_conf.c: the `ledger` section of a scenario and the workload it carries
 * (workload.transactions): reading, defaults and checks. */
#include <float.h>
#include <stdlib.h>

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

static const char *const ledger_keys[] = {"validators", "block_time", "max_block_bytes",
                                          "dissemination", "quorum", "shards",
                                          "round_timeout", "round_timeout_delta", NULL};
static const char *const dissemination_keys[] = {"kind", "fanout", "part_size", NULL};
static const char *const dissemination_kinds[] = {"direct", "gossip", NULL};
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

static bool parse_dissemination(cfg_t *cfg, struct cfg_node section, struct ledger_conf *c)
{
  struct cfg_node d;
  if (!cfg_get(cfg, section, "dissemination", &d, false) || !d.node)
    return d.node == NULL;
  bool ok = cfg_check_keys(cfg, d, dissemination_keys);
  int kind = c->dissemination;
  ok &= cfg_get_enum(cfg, d, "kind", dissemination_kinds, &kind, false);
  c->dissemination = (enum ledger_dissemination)kind;
  ok &= cfg_get_int(cfg, d, "fanout", &c->fanout, 1, 1000000, false);
  ok &= cfg_get_quantity(cfg, d, "part_size", UNIT_SIZE, 1, 1e12, &c->part_bytes, false);
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
    .dissemination = LEDGER_GOSSIP,
    .fanout = LEDGER_DEFAULT_FANOUT,
    .part_bytes = LEDGER_DEFAULT_PART_BYTES,
    .quorum = 2.0 / 3.0,
    .shards = 1,
    .round_timeout_s = LEDGER_DEFAULT_ROUND_TIMEOUT_S,
    .round_timeout_delta_s = LEDGER_DEFAULT_ROUND_TIMEOUT_DELTA_S,
  };
  bool ok = cfg_check_keys(cfg, section, ledger_keys);
  ok &= cfg_get_int(cfg, section, "validators", &c->validators, 1, 100000, false);
  ok &= cfg_get_quantity(cfg, section, "block_time", UNIT_TIME, 1e-6, 86400, &c->block_time_s,
                         false);
  ok &= cfg_get_quantity(cfg, section, "max_block_bytes", UNIT_SIZE, LEDGER_HEADER_BYTES + 1,
                         1e12, &c->max_block_bytes, false);
  ok &= parse_dissemination(cfg, section, c);
  ok &= cfg_get_quantity(cfg, section, "quorum", UNIT_NUMBER, 1e-9, 1, &c->quorum, false);
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
  if ((size_t)(c->validators * c->shards) > sc->n_providers) {
    cfg_error(cfg, section, "validators x shards = %ld needs that many providers, the scenario "
              "has %zu", c->validators * c->shards, sc->n_providers);
    ok = false;
  }
  return ok;
}

void ledger_conf_free(void *conf)
{
  free(conf);
}
