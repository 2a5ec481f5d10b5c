/* ledger_report.c: what the ledger layer measured, its analytical bound and its tables. */
#include <math.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/ledger/ledger_state.h"

double ledger_committed(void *state)
{
  struct ledger *l = state;
  double n = 0;
  for (unsigned i = 0; i < l->n_shards; i++)
    n += l->shards[i].committed;
  return n;
}

double ledger_backlog(void *state)
{
  struct ledger *l = state;
  double n = 0;
  for (unsigned i = 0; i < l->n_shards; i++) {
    ledger_mempool_fill(&l->shards[i], simgrid_get_clock());
    n += arrivals_backlog(l->shards[i].mempool);
  }
  return n;
}

/* A block leaves its proposer `copies` times: to every other validator when direct, to its
 * fan-out children down a tree, at least once over the mesh. With proposers rotating, the time
 * per full block is the mean of copies x block / uplink_i, so the uplink bound is
 * 1 / (copies x tx x mean(1/U_i)). */
double ledger_tps_bound(const struct ledger_conf *c, const double *uplinks_Bps, long n)
{
  double capacity_tx = floor((c->max_block_bytes - LEDGER_HEADER_BYTES) / c->tx_bytes);
  double block_bound = capacity_tx / c->block_time_s;
  double copies = c->dissemination == LEDGER_DIRECT ? (double)(n - 1)
                  : c->dissemination == LEDGER_TREE ? fmin((double)c->fanout, (double)(n - 1))
                                                    : fmin(1.0, (double)(n - 1));
  if (copies <= 0)
    return block_bound * c->shards;
  double inverse_sum = 0;
  for (long i = 0; i < n; i++)
    inverse_sum += 1 / uplinks_Bps[i];
  double uplink_bound = n / (copies * c->tx_bytes * inverse_sum);
  return fmin(block_bound, uplink_bound) * c->shards;
}

static void report_blocks(struct ledger *l, hist_t *propagation, double *n_blocks)
{
  static const struct table_column cols[] = {
    {"shard", COL_INT64, ""},        {"height", COL_INT64, ""},
    {"round", COL_INT64, ""},        {"proposer", COL_STRING, ""},
    {"transactions", COL_INT64, ""}, {"bytes", COL_DOUBLE, "B"},
    {"proposed", COL_DOUBLE, "s"},   {"committed", COL_DOUBLE, "s"},
    {"propagation", COL_DOUBLE, "s"}, {"received", COL_INT64, ""},
    {"votes", COL_INT64, ""},
  };
  struct world *w = l->world;
  table_t *t = metrics_table(w->metrics, "blocks", sizeof(cols) / sizeof(cols[0]), cols);
  for (unsigned id = 0; id < l->n_shards; id++) {
    struct shard *s = &l->shards[id];
    for (size_t i = 0; i < s->n_blocks; i++) {
      const struct block *b = s->blocks[i];
      double spread = b->last_received_at - b->proposed_at;
      if (b->committed_at >= 0) {
        (*n_blocks)++;
        if (metrics_in_window(w->metrics, b->committed_at))
          hist_add(propagation, spread, 1);
      }
      union table_cell row[] = {
        {.i = id}, {.i = b->height}, {.i = b->round},
        {.s = sg_host_get_name(w->providers[s->validators[b->proposer].provider].host)},
        {.i = (int64_t)b->n_tx}, {.d = b->bytes}, {.d = b->proposed_at},
        {.d = b->committed_at}, {.d = spread}, {.i = b->received}, {.i = b->votes},
      };
      table_append(t, row);
    }
  }
}

static int descending(const void *x, const void *y)
{
  double a = *(const double *)x, b = *(const double *)y;
  return (a < b) - (a > b);
}

/* Every transaction is checked by a quorum of validators, so a shard commits no faster than
 * the quorum-th fastest of them verifies signatures (on all its cores). */
static double validation_bound(const struct shard *s, const struct world *w)
{
  double *rates = malloc(s->n_validators * sizeof(double));
  xbt_assert(rates, "out of memory");
  for (unsigned i = 0; i < s->n_validators; i++) {
    const struct provider *p = &w->providers[s->validators[i].provider];
    rates[i] = p->device->sig_verify_per_s * w->sc->classes[p->class_index].cpu_cores;
  }
  qsort(rates, s->n_validators, sizeof(double), descending);
  double bound = rates[s->quorum_count - 1];
  free(rates);
  return bound > 0 ? bound : INFINITY;
}

static double shard_bound(const struct ledger *l)
{
  const struct shard *s = &l->shards[0];
  double *uplinks = calloc(s->n_validators, sizeof(double));
  xbt_assert(uplinks, "out of memory");
  for (unsigned i = 0; i < s->n_validators; i++) {
    const struct provider *p = &l->world->providers[s->validators[i].provider];
    uplinks[i] = l->world->sc->classes[p->class_index].uplink_Bps;
  }
  struct ledger_conf one = *l->conf;
  one.shards = 1;
  double bound = ledger_tps_bound(&one, uplinks, s->n_validators);
  free(uplinks);
  return fmin(bound, validation_bound(s, l->world));
}

/* The reach times' percentiles, when blocks spread over the mesh. */
static void report_reach(const struct ledger *l, metrics_t *m)
{
  static const char *const names[][2] = {{"block_reach_50_p50", "block_reach_50_p99"},
                                         {"block_reach_90_p50", "block_reach_90_p99"},
                                         {"block_reach_100_p50", "block_reach_100_p99"}};
  if (!l->reach[0])
    return;
  for (int k = 0; k < 3; k++) {
    metrics_summary_set(m, names[k][0], hist_quantile(l->reach[k], 0.5), "s");
    metrics_summary_set(m, names[k][1], hist_quantile(l->reach[k], 0.99), "s");
  }
  double spreads = 0, bytes = 0, duplicates = 0, control = 0, events = 0;
  double tx = 0, tx_bytes = 0, tx_duplicates = 0;
  for (unsigned id = 0; id < l->n_shards; id++) {
    const struct shard_mesh *mesh = l->shards[id].mesh;
    const struct gossip_totals *t = &mesh->block_totals;
    spreads += t->spreads;
    bytes += t->payload_bytes;
    duplicates += t->duplicate_bytes;
    control += t->control_bytes;
    events += t->events + mesh->tx_totals.events;
    tx += mesh->tx_gossiped;
    tx_bytes += mesh->tx_totals.payload_bytes;
    tx_duplicates += mesh->tx_totals.duplicate_bytes;
  }
  metrics_summary_set(m, "gossip_events", events, "");
  metrics_summary_set(m, "gossip_bytes_per_block", spreads > 0 ? (bytes + control) / spreads : 0,
                      "B");
  metrics_summary_set(m, "gossip_duplicate_share", bytes > 0 ? duplicates / bytes : 0, "");
  if (l->conf->mempool_gossip) {
    metrics_summary_set(m, "mempool_bytes_per_tx", tx > 0 ? tx_bytes / tx : 0, "B");
    metrics_summary_set(m, "mempool_duplicate_share", tx_bytes > 0 ? tx_duplicates / tx_bytes : 0,
                        "");
  }
}

void ledger_report(void *state, struct world *w)
{
  struct ledger *l = state;
  metrics_t *m = w->metrics;
  double window = w->sc->duration_s - w->sc->warmup_s, committed = 0, backlog = 0;
  long failed = 0;
  for (unsigned id = 0; id < l->n_shards; id++) {
    committed += l->shards[id].committed_in_window;
    failed += l->shards[id].failed_rounds;
  }
  backlog = ledger_backlog(l);
  hist_t *propagation = metrics_hist(m, "block_propagation", "s");
  double blocks = 0;
  report_blocks(l, propagation, &blocks);

  double tps = committed / window;
  metrics_summary_set(m, "tps", tps, "tx/s");
  metrics_summary_set(m, "tps_per_shard", tps / l->n_shards, "tx/s");
  metrics_summary_set(m, "tps_offered", l->conf->tx_rate_per_s, "tx/s");
  metrics_summary_set(m, "commit_latency_p50", hist_quantile(l->commit_latency, 0.5), "s");
  metrics_summary_set(m, "commit_latency_p90", hist_quantile(l->commit_latency, 0.9), "s");
  metrics_summary_set(m, "commit_latency_p99", hist_quantile(l->commit_latency, 0.99), "s");
  metrics_summary_set(m, "commit_latency_max", hist_max(l->commit_latency), "s");
  metrics_summary_set(m, "block_propagation_p50", hist_quantile(propagation, 0.5), "s");
  metrics_summary_set(m, "block_propagation_p99", hist_quantile(propagation, 0.99), "s");
  report_reach(l, m);
  metrics_summary_set(m, "block_interval", blocks > 0 ? w->sc->duration_s * l->n_shards / blocks
                                                      : w->sc->duration_s, "s");
  metrics_summary_set(m, "backlog_final", backlog, "tx");
  metrics_summary_set(m, "blocks", blocks, "");
  metrics_summary_set(m, "failed_rounds", (double)failed, "");
  metrics_summary_set(m, "validator_changes", l->validator_changes, "");

  double bound = shard_bound(l);
  metrics_bound_set(m, "tps", bound * l->n_shards, "tx/s", BOUND_LIMIT,
                    "shards x min(block capacity / block_time, 1 / (copies x tx size x "
                    "mean(1 / validator uplink)), quorum-th fastest signature check rate)");
  metrics_bound_set(m, "tps_per_shard", bound, "tx/s", BOUND_LIMIT, "the tps bound of one shard");
  metrics_bound_set(m, "block_interval", l->conf->block_time_s, "s", BOUND_FLOOR, "block_time");
}
