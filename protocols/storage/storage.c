/* storage.c: the storage layer's deployment and its table entry (model in storage.h, actors
 * in storage_actors.c, results in storage_report.c).
 *
 * Actors: per storage node a disk writer (and a read server when reads are asked for), and on
 * the control host the log writer, the reader and its sink, and the PoRA miner. */
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <stdio.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/storage/storage_state.h"
#include "sim/base/rng.h"

static double series_written(void *state)
{
  const struct storage *st = state;
  double chunks = 0;
  for (size_t j = 0; j < st->n_nodes; j++)
    chunks += st->nodes[j].chunks_held;
  return chunks * st->conf->chunk_bytes;
}

static void deploy_nodes(struct storage *st)
{
  struct world *w = st->world;
  const struct provider_class *pc = &w->sc->classes[st->conf->node_class];
  st->n_nodes = (size_t)pc->count;
  st->nodes = calloc(st->n_nodes, sizeof(*st->nodes));
  xbt_assert(st->nodes, "out of memory");
  char name[96];
  for (size_t j = 0; j < st->n_nodes; j++) {
    struct storage_node *n = &st->nodes[j];
    size_t provider = pc->first_provider + j;
    sg_host_t host = w->providers[provider].host;
    *n = (struct storage_node){.st = st, .provider = provider};
    snprintf(name, sizeof(name), "storage-w-%s", sg_host_get_name(host));
    actors_start(name, host, n, storage_node_actor, true); /* it opens n->writes */
    snprintf(name, sizeof(name), "storage-r-%s", sg_host_get_name(host));
    n->reads = sg_mailbox_by_name(name);
    if (st->conf->read_rate_per_s > 0)
      actors_start(name, host, n, storage_read_server_actor, true);
  }
}

static void *storage_deploy(struct world *w, const void *conf)
{
  const struct storage_conf *c = conf;
  struct storage *st = calloc(1, sizeof(*st));
  xbt_assert(st, "out of memory");
  *st = (struct storage){.world = w, .conf = c,
                         .chunks_per_segment = STORAGE_PRICING_SEGMENT_BYTES / c->chunk_bytes};
  st->rng_writes = rng_stream(w->sc->seed, "storage-writes", 0);
  st->rng_reads = rng_stream(w->sc->seed, "storage-reads", 0);
  st->rng_mining = rng_stream(w->sc->seed, "storage-mining", 0);
  st->writes = arrivals_new(c->write_rate_per_s, fmin(0.01, 0.1 / c->write_rate_per_s),
                           st->rng_writes);
  st->read_latency = metrics_hist(w->metrics, "storage_read_latency", "s");
  xbt_assert(st->writes, "out of memory");
  deploy_nodes(st);
  /* The log is held `replicas` times: r x target valid submissions per period. */
  st->target = c->target_submissions / (double)c->replicas;
  sg_host_t hub = world_control_host(w);
  actors_start("storage-writer", hub, st, storage_writer_actor, false);
  actors_start("storage-miner", hub, st, storage_miner_actor, false);
  if (c->read_rate_per_s > 0) {
    st->reads = arrivals_new(c->read_rate_per_s, fmin(0.01, 0.1 / c->read_rate_per_s),
                            st->rng_reads);
    xbt_assert(st->reads, "out of memory");
    st->sink = sg_mailbox_by_name("storage-sink");
    actors_start("storage-reader", hub, st, storage_reader_actor, false);
    actors_start("storage-sink", hub, st, storage_sink_actor, false);
  }
  metrics_series_add(w->metrics, "storage_write_throughput", "B/s", SERIES_RATE,
                     series_written, st);
  return st;
}

static void storage_state_free(void *state)
{
  struct storage *st = state;
  if (!st)
    return;
  arrivals_free(st->writes);
  arrivals_free(st->reads);
  gsl_rng_free(st->rng_writes);
  gsl_rng_free(st->rng_reads);
  gsl_rng_free(st->rng_mining);
  for (size_t j = 0; j < st->n_nodes; j++)
    free(st->nodes[j].writing); /* a write the run ended in */
  free(st->nodes);
  free(st->seg_fee);
  free(st->seg_start);
  free(st->seg_claimed);
  free(st->taken);
  free(st);
}

static const struct metric_def storage_metrics[] = {
  {"storage_write_throughput", UNIT_BANDWIDTH, "B/s", "bytes the storage nodes wrote per second"},
  {"storage_write_per_node", UNIT_BANDWIDTH, "B/s", "mean write rate of a storage node"},
  {"storage_write_offered", UNIT_BANDWIDTH, "B/s", "writes' rate x chunk-rounded size x replicas"},
  {"storage_read_latency_p50", UNIT_TIME, "s", "read request to the chunk's last byte, median"},
  {"storage_read_latency_p99", UNIT_TIME, "s", "read latency, 99th percentile"},
  {"storage_reads_failed", UNIT_NUMBER, "", "reads with every copy's node down"},
  {"storage_cost_per_gib", UNIT_NUMBER, "tokens", "fees paid per GiB of data written"},
  {"storage_chunks_resynced", UNIT_NUMBER, "",
   "chunk copies a node missed while down, sent once it was back"},
  {"storage_chunks_behind", UNIT_NUMBER, "",
   "chunk copies still owed at the end (nodes down or writing)"},
  {"pora_valid", UNIT_NUMBER, "", "valid PoRA submissions after warm-up"},
  {"pora_per_period", UNIT_NUMBER, "", "valid PoRA submissions per mining period"},
  {"mining_paid", UNIT_NUMBER, "tokens", "endowment claimed by PoRA"},
  {"endowment_released", UNIT_NUMBER, "tokens", "endowment released by the end of the run"},
  {NULL, 0, NULL, NULL},
};

const struct depin_layer storage_layer = {
  .name = "storage",
  .metrics = storage_metrics,
  .parse = storage_conf_parse,
  .validate = storage_conf_validate,
  .conf_free = storage_conf_free,
  .deploy = storage_deploy,
  .finish = storage_report,
  .state_free = storage_state_free,
};
