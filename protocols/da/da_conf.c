/* da_conf.c: the `da` section of a scenario: reading, defaults, checks, and the closed forms
 * of the blob geometry (da.h). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/da/da.h"
#include "protocols/da/quorum.h"
#include "sim/scenario/scenario.h"

/* docs/reference/0g.md, "DA signers and quorums" and "DA encoding". */
#define DA_DEFAULT_QUORUM_SLOTS 3072
#define DA_DEFAULT_DATA_ROWS 1024
#define DA_DEFAULT_ROWS 3072
#define DA_DEFAULT_ROW_BYTES 32768.0
#define DA_DEFAULT_TOKENS_PER_VOTE 10.0
#define DA_DEFAULT_MAX_VOTES 1024
#define DA_DEFAULT_MAX_QUORUMS 10
#define DA_DEFAULT_EPOCH_S (8 * 3600.0) /* EpochBlocks 5,760, "~8 h" */
#define DA_DEFAULT_RETRY_TIMEOUT_S 30.0 /* "~30 s from submission to finalization" */
/* dispersal_interval: auto: the interval that keeps the nodes' batches (quorums x slots a
 * dispatch) under this many a simulated second, at most DA_AUTO_INTERVAL_MAX_S. */
#define DA_AUTO_BATCHES_PER_S 100000.0
#define DA_AUTO_INTERVAL_MAX_S 1.0
/* docs/reference/0g.md, "DA sampling and rewards (PoDAS)". */
#define DA_DEFAULT_SAMPLE_PERIOD_BLOCKS 30
#define DA_DEFAULT_SAMPLE_BLOCK_TIME_S 1.0 /* chain docs: 1-2 s blocks */
#define DA_DEFAULT_SUBLINE_BYTES 1024.0
#define DA_DEFAULT_TARGET_SUBMITS 20
#define DA_DEFAULT_MAX_SUBMITS 40
#define DA_DEFAULT_POOL_DIVISOR 1.2e6
/* "N nodes give N x 35 MB/s of writes" (docs/reference/0g.md, a target to test). */
#define DA_DEFAULT_WRITE_BANDWIDTH_BPS 35e6

static const char *const da_keys[] = {
  "quorum_slots", "coding", "accept_fraction", "tokens_per_vote", "max_votes_per_signer",
  "max_quorums", "epoch", "sampling", "dispersal_grain", "dispersal_interval",
  "retry_timeout", "submitters", "signers", "write_bandwidth", NULL};
static const char *const coding_keys[] = {"data_rows", "rows", "row_bytes", NULL};
static const char *const sampling_keys[] = {"period_blocks", "block_time", "subline_bytes",
                                            "target_submits", "max_submits", "pool_divisor",
                                            "base_reward", "fee_per_blob", NULL};
static const char *const grain_names[] = {"aggregate", "per-slice", NULL};
static const char *const blob_keys[] = {"rate", "size", NULL};

double da_max_blob_bytes(const struct da_conf *c)
{
  double elements = (double)c->data_rows * floor(c->row_bytes / DA_ELEMENT_BYTES);
  return elements * DA_ELEMENT_DATA_BYTES - DA_LENGTH_PREFIX_BYTES;
}

double da_row_bytes(const struct da_conf *c, double blob_bytes)
{
  double elements = ceil((blob_bytes + DA_LENGTH_PREFIX_BYTES) / DA_ELEMENT_DATA_BYTES);
  double per_row = ceil(elements / (double)c->data_rows);
  return fmin(per_row * DA_ELEMENT_BYTES, c->row_bytes);
}

long da_accept_threshold(const struct da_conf *c)
{
  return (long)ceil(c->accept_fraction * (double)c->quorum_slots - 1e-9);
}

bool da_accepted(const struct da_conf *c, long signed_slots)
{
  return signed_slots >= da_accept_threshold(c);
}

double da_publish_bytes(const struct da_conf *c)
{
  /* aggregate BLS signature: one G1 point, like a share's signature */
  return DA_COMMITMENT_BYTES + 64.0 + ceil((double)c->quorum_slots / 8) +
         DA_PUBLISH_OVERHEAD_BYTES;
}

double da_dispersal_seconds(double row_bytes, long rows, double uplink_Bps, double latency_s)
{
  return row_bytes * (double)rows / uplink_Bps + latency_s;
}

static bool parse_coding(cfg_t *cfg, struct cfg_node section, struct da_conf *c)
{
  struct cfg_node n;
  if (!cfg_get(cfg, section, "coding", &n, false) || !n.node)
    return n.node == NULL;
  bool ok = cfg_check_keys(cfg, n, coding_keys);
  ok &= cfg_get_int(cfg, n, "data_rows", &c->data_rows, 1, 1L << 24, false);
  ok &= cfg_get_int(cfg, n, "rows", &c->rows, 2, 1L << 24, false);
  ok &= cfg_get_quantity(cfg, n, "row_bytes", UNIT_SIZE, DA_ELEMENT_BYTES, 1e12, &c->row_bytes,
                         false);
  if (ok && c->rows <= c->data_rows) {
    cfg_error(cfg, n, "rows (%ld) must exceed data_rows (%ld): the code extends the data",
              c->rows, c->data_rows);
    ok = false;
  }
  return ok;
}

static bool parse_sampling(cfg_t *cfg, struct cfg_node section, struct da_sampling_conf *s)
{
  struct cfg_node n;
  if (!cfg_get(cfg, section, "sampling", &n, false) || !n.node)
    return n.node == NULL;
  bool ok = cfg_check_keys(cfg, n, sampling_keys);
  ok &= cfg_get_int(cfg, n, "period_blocks", &s->period_blocks, 1, 1L << 30, false);
  ok &= cfg_get_quantity(cfg, n, "block_time", UNIT_TIME, CFG_POSITIVE, 86400, &s->block_time_s,
                         false);
  ok &= cfg_get_quantity(cfg, n, "subline_bytes", UNIT_SIZE, 1, 1e12, &s->subline_bytes, false);
  ok &= cfg_get_int(cfg, n, "target_submits", &s->target_submits, 1, 1L << 30, false);
  ok &= cfg_get_int(cfg, n, "max_submits", &s->max_submits, 1, 1L << 30, false);
  ok &= cfg_get_quantity(cfg, n, "pool_divisor", UNIT_NUMBER, 1, DBL_MAX, &s->pool_divisor,
                         false);
  ok &= cfg_get_quantity(cfg, n, "base_reward", UNIT_NUMBER, 0, DBL_MAX, &s->base_reward, false);
  ok &= cfg_get_quantity(cfg, n, "fee_per_blob", UNIT_NUMBER, 0, DBL_MAX, &s->fee_per_blob,
                         false);
  if (ok && s->max_submits < s->target_submits) {
    cfg_error(cfg, n, "max_submits (%ld) is below target_submits (%ld)", s->max_submits,
              s->target_submits);
    ok = false;
  }
  return ok;
}

static bool parse_signers(cfg_t *cfg, struct cfg_node section, struct da_conf *c)
{
  struct cfg_node n;
  if (!cfg_get(cfg, section, "signers", &n, false) || !n.node)
    return n.node == NULL;
  c->n_signers = cfg_seq_count(n);
  c->signers = calloc(c->n_signers + 1, sizeof(char *));
  if (!c->signers)
    return false;
  bool ok = true;
  for (size_t i = 0; i < c->n_signers; i++) {
    struct cfg_node item = cfg_seq_item(n, i);
    const char *name = cfg_scalar(item);
    if (!name) {
      cfg_error(cfg, item, "expected a provider class name");
      ok = false;
      continue;
    }
    c->signers[i] = strdup(name);
    ok &= c->signers[i] != NULL;
  }
  return ok;
}

/* dispersal_interval: `auto` (resolved at validation, when the quorums are known) or a time. */
static bool parse_dispersal_interval(cfg_t *cfg, struct cfg_node section, struct da_conf *c)
{
  struct cfg_node n;
  if (!cfg_get(cfg, section, "dispersal_interval", &n, false) || !n.node)
    return true;
  if (cfg_is_scalar(n) && strcmp(cfg_scalar(n), "auto") == 0)
    return true;
  if (cfg_is_scalar(n) && !isdigit((unsigned char)cfg_scalar(n)[0]) && cfg_scalar(n)[0] != '.') {
    cfg_error(cfg, n, "'%s' is not an interval (allowed: auto, or a time in 0s..1h)",
              cfg_scalar(n));
    return false;
  }
  return cfg_to_quantity(cfg, n, UNIT_TIME, 0, 3600, &c->dispersal_interval_s);
}

void *da_conf_parse(cfg_t *cfg, struct cfg_node section)
{
  struct da_conf *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  *c = (struct da_conf){
    .quorum_slots = DA_DEFAULT_QUORUM_SLOTS,
    .data_rows = DA_DEFAULT_DATA_ROWS,
    .rows = DA_DEFAULT_ROWS,
    .row_bytes = DA_DEFAULT_ROW_BYTES,
    .accept_fraction = 2.0 / 3.0,
    .tokens_per_vote = DA_DEFAULT_TOKENS_PER_VOTE,
    .max_votes_per_signer = DA_DEFAULT_MAX_VOTES,
    .max_quorums = DA_DEFAULT_MAX_QUORUMS,
    .epoch_s = DA_DEFAULT_EPOCH_S,
    .grain = DA_GRAIN_AGGREGATE,
    .dispersal_interval_s = DA_INTERVAL_AUTO,
    .retry_timeout_s = DA_DEFAULT_RETRY_TIMEOUT_S,
    .sampling = {.period_blocks = DA_DEFAULT_SAMPLE_PERIOD_BLOCKS,
                 .block_time_s = DA_DEFAULT_SAMPLE_BLOCK_TIME_S,
                 .subline_bytes = DA_DEFAULT_SUBLINE_BYTES,
                 .target_submits = DA_DEFAULT_TARGET_SUBMITS,
                 .max_submits = DA_DEFAULT_MAX_SUBMITS,
                 .pool_divisor = DA_DEFAULT_POOL_DIVISOR,
                 .base_reward = 0,
                 .fee_per_blob = 1},
    .write_bandwidth_Bps = DA_DEFAULT_WRITE_BANDWIDTH_BPS,
  };
  bool ok = cfg_check_keys(cfg, section, da_keys);
  ok &= cfg_get_int(cfg, section, "quorum_slots", &c->quorum_slots, 2, 1L << 24, false);
  ok &= parse_coding(cfg, section, c);
  ok &= cfg_get_quantity(cfg, section, "accept_fraction", UNIT_NUMBER, CFG_POSITIVE, 1,
                         &c->accept_fraction, false);
  ok &= cfg_get_quantity(cfg, section, "tokens_per_vote", UNIT_NUMBER, CFG_POSITIVE, DBL_MAX,
                         &c->tokens_per_vote, false);
  ok &= cfg_get_int(cfg, section, "max_votes_per_signer", &c->max_votes_per_signer, 1,
                    1L << 30, false);
  ok &= cfg_get_int(cfg, section, "max_quorums", &c->max_quorums, 1, 100000, false);
  ok &= cfg_get_quantity(cfg, section, "epoch", UNIT_TIME, CFG_POSITIVE, DBL_MAX, &c->epoch_s,
                         false);
  ok &= parse_sampling(cfg, section, &c->sampling);
  int grain = c->grain;
  ok &= cfg_get_enum(cfg, section, "dispersal_grain", grain_names, &grain, false);
  c->grain = (enum da_grain)grain;
  ok &= parse_dispersal_interval(cfg, section, c);
  ok &= cfg_get_quantity(cfg, section, "retry_timeout", UNIT_TIME, CFG_POSITIVE, DBL_MAX,
                         &c->retry_timeout_s, false);
  ok &= cfg_get_string(cfg, section, "submitters", &c->submitters, false);
  ok &= parse_signers(cfg, section, c);
  ok &= cfg_get_quantity(cfg, section, "write_bandwidth", UNIT_BANDWIDTH, CFG_POSITIVE, DBL_MAX,
                         &c->write_bandwidth_Bps, false);
  if (ok && c->rows != c->quorum_slots) {
    struct cfg_node n;
    cfg_get(cfg, section, "quorum_slots", &n, false);
    cfg_error(cfg, n.node ? n : section,
              "quorum_slots (%ld) must equal coding.rows (%ld): slot i holds row i",
              c->quorum_slots, c->rows);
    ok = false;
  }
  if (!ok) {
    da_conf_free(c);
    return NULL;
  }
  return c;
}

/* workload.blobs: rate and size, read here (the core only checks it is a mapping). */
static bool read_blobs(cfg_t *cfg, struct cfg_node section, struct da_conf *c)
{
  struct cfg_node workload, blobs;
  cfg_get(cfg, cfg_root(cfg), "workload", &workload, false);
  if (workload.node)
    cfg_get(cfg, workload, "blobs", &blobs, false);
  if (!workload.node || !blobs.node) {
    cfg_error(cfg, section, "the da layer needs workload.blobs with a rate and a size");
    return false;
  }
  bool ok = cfg_check_keys(cfg, blobs, blob_keys);
  ok &= cfg_get_quantity(cfg, blobs, "rate", UNIT_RATE, CFG_POSITIVE, DBL_MAX,
                         &c->blob_rate_per_s, true);
  ok &= cfg_get_quantity(cfg, blobs, "size", UNIT_SIZE, CFG_POSITIVE, DBL_MAX, &c->blob_bytes,
                         true);
  if (ok && c->blob_bytes > da_max_blob_bytes(c)) {
    struct cfg_node size;
    cfg_get(cfg, blobs, "size", &size, false);
    cfg_error(cfg, size, "a blob of %.0f B exceeds the largest the coding holds, %.0f B "
              "(data_rows x row_bytes / 32 x 31 - 4)", c->blob_bytes, da_max_blob_bytes(c));
    ok = false;
  }
  return ok;
}

static bool resolve_classes(const struct scenario *sc, cfg_t *cfg, struct cfg_node section,
                            struct da_conf *c)
{
  bool ok = true;
  c->signer_class = calloc(sc->n_classes + 1, sizeof(bool));
  if (!c->signer_class)
    return false;
  const char **names = calloc(sc->n_classes + 1, sizeof(char *));
  if (!names)
    return false;
  for (size_t i = 0; i < sc->n_classes; i++)
    names[i] = sc->classes[i].name;
  c->submitter_class = 0;
  if (c->submitters) {
    long k = scenario_class_index(sc, c->submitters);
    if (k < 0) {
      struct cfg_node n;
      cfg_get(cfg, section, "submitters", &n, false);
      cfg_error_unknown(cfg, n, "provider class", c->submitters, names);
      ok = false;
    } else {
      c->submitter_class = (size_t)k;
    }
  }
  if (c->n_signers == 0) {
    for (size_t i = 0; i < sc->n_classes; i++)
      c->signer_class[i] = i != c->submitter_class || sc->n_classes == 1;
  } else {
    struct cfg_node list;
    cfg_get(cfg, section, "signers", &list, false);
    for (size_t i = 0; i < c->n_signers; i++) {
      long k = c->signers[i] ? scenario_class_index(sc, c->signers[i]) : -1;
      if (k < 0 && c->signers[i])
        cfg_error_unknown(cfg, cfg_seq_item(list, i), "provider class", c->signers[i], names);
      if (k < 0)
        ok = false;
      else
        c->signer_class[k] = true;
    }
  }
  free(names);
  return ok;
}

/* Quorums the signers' stake forms: a vote per tokens_per_vote of a node's stake (at most
 * max_votes_per_signer), quorum_slots votes a quorum, at most max_quorums; at least one. */
static double quorums_formed(const struct scenario *sc, const struct da_conf *c)
{
  double votes = 0;
  for (size_t i = 0; i < sc->n_classes; i++)
    if (c->signer_class && c->signer_class[i])
      votes += (double)sc->classes[i].count *
               fmin(floor(sc->classes[i].stake / c->tokens_per_vote),
                    (double)c->max_votes_per_signer);
  return fmax(1, fmin((double)c->max_quorums, floor(votes / (double)c->quorum_slots)));
}

bool da_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg)
{
  struct da_conf *c = (struct da_conf *)conf;
  struct cfg_node section;
  cfg_get(cfg, cfg_root(cfg), "da", &section, true);
  bool ok = read_blobs(cfg, section, c);
  if (!resolve_classes(sc, cfg, section, c))
    return false;
  long votes = 0;
  for (size_t i = 0; i < sc->n_classes; i++)
    if (c->signer_class[i])
      votes += sc->classes[i].count * quorum_votes(sc->classes[i].stake, c->tokens_per_vote,
                                                   c->max_votes_per_signer);
  if (votes < c->quorum_slots) {
    cfg_error(cfg, section, "the signers' stake gives %ld votes (stake / tokens_per_vote, at "
              "most max_votes_per_signer each); one quorum needs quorum_slots = %ld", votes,
              c->quorum_slots);
    ok = false;
  }
  if (c->dispersal_interval_s == DA_INTERVAL_AUTO)
    c->dispersal_interval_s = fmin(DA_AUTO_INTERVAL_MAX_S, quorums_formed(sc, c) *
                                   (double)c->quorum_slots / DA_AUTO_BATCHES_PER_S);
  if (sc->duration_s > c->epoch_s) {
    struct cfg_node epoch;
    cfg_get(cfg, section, "epoch", &epoch, false);
    cfg_warning(cfg, epoch.node ? epoch : section, "the run (%g s) is longer than an epoch (%g s), "
                "but quorums are formed once: later epochs keep the first epoch's quorums",
                sc->duration_s, c->epoch_s);
  }
  return ok;
}

void da_conf_free(void *conf)
{
  struct da_conf *c = conf;
  if (!c)
    return;
  for (size_t i = 0; i < c->n_signers; i++)
    free(c->signers[i]);
  free(c->signers);
  free(c->submitters);
  free(c->signer_class);
  free(c);
}

/* Per slice, every blob is one flow to each slot's node and one check there. Aggregated, the
 * submitters' uploads are flows (a few streams each, at most one batch a dispersal interval
 * per submitter), each quorum's hub wakes a few times an interval, and each node's batch is a
 * closed-form timeline event (hub.c): one per dispatch, at most one a dispersal interval. */
void da_estimate(const struct scenario *sc, const void *conf, struct run_cost *cost)
{
  const struct da_conf *c = conf;
  double quorums = quorums_formed(sc, c), slots = (double)c->quorum_slots;
  if (c->grain == DA_GRAIN_PER_SLICE) {
    cost->activities += c->blob_rate_per_s * sc->duration_s * (2 * slots + 1);
    cost->flows = fmax(cost->flows, slots * quorums);
    return;
  }
  double submitters = (double)sc->classes[c->submitter_class].count;
  double per_s = c->dispersal_interval_s > 0 ? 1 / c->dispersal_interval_s : INFINITY;
  double uploads_per_s = fmin(c->blob_rate_per_s, submitters * per_s);
  double dispatches_per_s = fmin(c->blob_rate_per_s / quorums, per_s) * quorums;
  cost->activities += sc->duration_s * (4 * uploads_per_s + 3 * dispatches_per_s);
  cost->timeline_events += sc->duration_s * dispatches_per_s * slots;
  cost->flows = fmax(cost->flows, 4 * submitters);
}
