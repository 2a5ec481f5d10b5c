/* storage_report.c: what the storage layer measured, each figure beside its analytical bound,
 * and the /storage_nodes table. */
#include <math.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <xbt/asserts.h>

#include "protocols/storage/storage_state.h"

/* Zero-load read from the nearest node: the request's route latency there and back and the
 * chunk through the route's narrowest link. */
static double read_floor(const struct storage *st)
{
  const struct world *w = st->world;
  sg_host_t hub = world_control_host(w);
  double best = INFINITY;
  for (size_t j = 0; j < st->n_nodes; j++) {
    sg_host_t host = w->providers[st->nodes[j].provider].host;
    best = fmin(best, 2 * sg_host_get_route_latency(hub, host) +
                        st->conf->chunk_bytes / sg_host_get_route_bandwidth(host, hub));
  }
  return best;
}

static void report_nodes(const struct storage *st, double *written, double *resynced,
                         double *behind)
{
  static const struct table_column cols[] = {
    {"provider", COL_INT64, ""}, {"chunks", COL_DOUBLE, ""}, {"written", COL_DOUBLE, "B"},
    {"resynced", COL_DOUBLE, ""}, {"mined", COL_DOUBLE, "tokens"},
  };
  table_t *t = metrics_table(st->world->metrics, "storage_nodes",
                             sizeof(cols) / sizeof(cols[0]), cols);
  for (size_t j = 0; j < st->n_nodes; j++) {
    const struct storage_node *n = &st->nodes[j];
    *written += n->bytes_written_in_window;
    *resynced += n->chunks_resynced;
    *behind += n->owed_chunks + (n->writing ? n->writing->chunks : 0);
    union table_cell row[] = {{.i = (int64_t)n->provider}, {.d = n->chunks_held},
                              {.d = n->bytes_written_in_window}, {.d = n->chunks_resynced},
                              {.d = n->mined}};
    table_append(t, row);
  }
}

void storage_report(void *state, struct world *w)
{
  struct storage *st = state;
  const struct storage_conf *c = st->conf;
  metrics_t *m = w->metrics;
  double window = w->sc->duration_s - w->sc->warmup_s, written = 0, resynced = 0, behind = 0;
  storage_record_fees(st); /* those since the last period: the token layer finishes after */
  report_nodes(st, &written, &resynced, &behind);
  const struct provider_class *pc = &w->sc->classes[c->node_class];
  double n = (double)st->n_nodes, per_node = fmin(c->write_bandwidth_Bps, pc->downlink_Bps);
  double offered = c->write_rate_per_s * ceil(c->write_bytes / c->chunk_bytes) *
                   c->chunk_bytes * (double)c->replicas;
  metrics_summary_set(m, "storage_write_throughput", written / window, "B/s");
  metrics_bound_set(m, "storage_write_throughput", fmin(offered, n * per_node), "B/s", BOUND_LIMIT,
                    "min(offered, N x min(write_bandwidth, downlink)): 0G's N x 35 MB/s");
  metrics_summary_set(m, "storage_write_per_node", written / window / n, "B/s");
  metrics_bound_set(m, "storage_write_per_node", per_node, "B/s", BOUND_LIMIT,
                    "min(write_bandwidth, downlink)");
  metrics_summary_set(m, "storage_write_offered", offered, "B/s");
  metrics_summary_set(m, "storage_read_latency_p50", hist_quantile(st->read_latency, 0.5), "s");
  metrics_summary_set(m, "storage_read_latency_p99", hist_quantile(st->read_latency, 0.99), "s");
  metrics_bound_set(m, "storage_read_latency_p50", read_floor(st), "s", BOUND_FLOOR,
                    "zero load, nearest node: latency both ways + chunk / route bandwidth");
  metrics_summary_set(m, "storage_reads_failed", st->reads_failed, "");
  double gib = st->bytes_appended / (1024.0 * 1024 * 1024);
  metrics_summary_set(m, "storage_cost_per_gib", gib > 0 ? st->fees / gib : 0, "tokens");
  metrics_bound_set(m, "storage_cost_per_gib",
                    c->price_per_sector * 1024.0 * 1024 * 1024 / STORAGE_SECTOR_BYTES, "tokens",
                    BOUND_EXPECTED,
                    "price_per_sector x 4,194,304 sectors (writes round up to a sector)");
  metrics_summary_set(m, "storage_chunks_resynced", resynced, "");
  metrics_summary_set(m, "storage_chunks_behind", behind, "");
  metrics_summary_set(m, "pora_valid", st->valid, "");
  metrics_summary_set(m, "pora_per_period", st->periods > 0 ? st->valid / st->periods : 0, "");
  metrics_bound_set(m, "pora_per_period", c->target_submissions, "", BOUND_EXPECTED,
                    "target_submissions; 0G's rule settles where E[target / actual] = 1, above it");
  double released = 0, now = simgrid_get_clock();
  for (size_t s = 0; s < st->n_segments; s++)
    released += storage_released(st->seg_fee[s], st->seg_start[s], c->lifetime_s, now);
  metrics_summary_set(m, "mining_paid", st->paid, "tokens");
  metrics_summary_set(m, "endowment_released", released, "tokens");
  metrics_bound_set(m, "mining_paid", released, "tokens", BOUND_LIMIT,
                    "endowment released linearly over the lifetime so far");
}
