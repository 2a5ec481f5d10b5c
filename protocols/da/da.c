/* da.c: the DA layer's deployment: quorums, nodes, lanes and actors, and its table entry
 * (model in da.h, actors in dispersal.c, hub.c and sampling.c, results in da_report.c).
 *
 * Actors: one per submitting host and the sampling driver; per quorum, in the aggregate grain,
 * the hub's dispatcher and clock on the control host (nodes are closed-form timelines, hub.c);
 * per slice, one per (quorum, signer) node and the quorum's aggregators and clock. Providers
 * that hold no slot and submit nothing get none. */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <xbt/asserts.h>
#include <xbt/config.h>

#include "protocols/da/da_state.h"
#include "sim/base/rng.h"

/* Whether provider i stores what it signs: its class's honest fraction, drawn per provider. */
static bool provider_stores(const struct world *w, size_t i)
{
  const struct provider_class *pc = &w->sc->classes[w->providers[i].class_index];
  gsl_rng *rng = rng_stream(w->sc->seed, "da-behavior", i);
  bool honest = gsl_rng_uniform(rng) < pc->behavior[BEHAVIOR_HONEST];
  gsl_rng_free(rng);
  return honest;
}

void da_node_bind(struct da_node *n, size_t provider)
{
  const struct world *w = n->da->world;
  sg_host_t hub = world_control_host(w), host = w->providers[provider].host;
  n->provider = provider;
  n->stores = provider_stores(w, provider);
  n->hub_Bps = sg_host_get_route_bandwidth(hub, host);
  n->hub_latency_s = sg_host_get_route_latency(hub, host);
}

static void form_quorums(struct da *d)
{
  struct world *w = d->world;
  const struct da_conf *c = d->conf;
  d->signer_provider = malloc((w->n_providers + 1) * sizeof(size_t));
  double *stake = malloc((w->n_providers + 1) * sizeof(double));
  xbt_assert(d->signer_provider && stake, "out of memory");
  for (size_t i = 0; i < w->n_providers; i++)
    if (c->signer_class[w->providers[i].class_index] && !w->providers[i].spare) {
      stake[d->n_signers] = w->sc->classes[w->providers[i].class_index].stake;
      d->signer_provider[d->n_signers++] = i;
    }
  d->assignment = quorum_form(stake, d->n_signers, c->tokens_per_vote, c->max_votes_per_signer,
                              c->quorum_slots, c->max_quorums, w->sc->seed, 0);
  free(stake);
  xbt_assert(d->assignment, "out of memory");
  d->n_quorums = (unsigned)quorum_count(d->assignment);
  xbt_assert(d->n_quorums > 0, "validation let through a scenario without a quorum");
}

static void deploy_nodes(struct da *d)
{
  struct world *w = d->world;
  d->quorums = calloc(d->n_quorums, sizeof(*d->quorums));
  xbt_assert(d->quorums, "out of memory");
  size_t total = 0;
  for (unsigned k = 0; k < d->n_quorums; k++)
    for (size_t i = 0; i < d->n_signers; i++)
      total += quorum_signer_slots(d->assignment, k, i) > 0;
  d->nodes = calloc(total + 1, sizeof(*d->nodes));
  size_t *node_of = malloc((d->n_signers + 1) * sizeof(size_t));
  xbt_assert(d->nodes && node_of, "out of memory");
  char name[96];
  for (unsigned k = 0; k < d->n_quorums; k++) {
    struct da_quorum *q = &d->quorums[k];
    *q = (struct da_quorum){.da = d, .id = k,
                            .entries = ring_new(sizeof(struct da_entry)),
                            .pending = ring_new(sizeof(size_t)),
                            .dispatches = pacer_new(d->conf->dispersal_interval_s),
                            .publications = pacer_new(d->conf->dispersal_interval_s)};
    q->nodes = malloc((d->n_signers + 1) * sizeof(size_t));
    q->slot_node = malloc((size_t)d->conf->quorum_slots * sizeof(size_t));
    q->frontier = frontier_new(d->threshold);
    xbt_assert(q->nodes && q->slot_node && q->frontier, "out of memory");
    for (size_t i = 0; i < d->n_signers; i++) {
      long slots = quorum_signer_slots(d->assignment, k, i);
      if (slots == 0)
        continue;
      struct da_node *n = &d->nodes[d->n_nodes];
      size_t provider = d->signer_provider[i];
      *n = (struct da_node){.da = d, .quorum = k, .signer = i, .slots = slots,
                            .first_failed_at = -1,
                            .listening_since = -INFINITY}; /* until its actor runs */
      da_node_bind(n, provider);
      sg_host_t host = w->providers[provider].host;
      if (d->conf->grain == DA_GRAIN_PER_SLICE) {
        snprintf(name, sizeof(name), "da-q%u-%s", k, sg_host_get_name(host));
        actors_start(name, host, n, da_node_actor, true);
      }
      node_of[i] = d->n_nodes;
      q->nodes[q->n_nodes++] = d->n_nodes++;
    }
    for (long s = 0; s < d->conf->quorum_slots; s++)
      q->slot_node[s] = node_of[quorum_slot_signer(d->assignment, k, s)];
    snprintf(name, sizeof(name), "da-q%u-uploads", k);
    q->uploads = sg_mailbox_by_name(name);
  }
  free(node_of);
}

/* The quorums' actors on the control host (the hub). */
static void deploy_quorum_actors(struct da *d)
{
  sg_host_t hub = world_control_host(d->world);
  char name[64];
  for (unsigned k = 0; k < d->n_quorums; k++) {
    struct da_quorum *q = &d->quorums[k];
    if (d->conf->grain == DA_GRAIN_AGGREGATE) {
      q->shares = pqueue_new();
      q->free_batch = SIZE_MAX;
      xbt_assert(q->shares, "out of memory");
      snprintf(name, sizeof(name), "da-q%u-dispatcher", k);
      actors_start(name, hub, q, da_dispatcher_actor, false);
      snprintf(name, sizeof(name), "da-q%u-clock", k);
      actors_start(name, hub, q, da_hub_clock_actor, false);
      continue;
    }
    q->boxes = calloc(DA_SHARE_BOXES, sizeof(*q->boxes));
    xbt_assert(q->boxes, "out of memory");
    for (unsigned b = 0; b < DA_SHARE_BOXES; b++) {
      snprintf(name, sizeof(name), "da-q%u-shares-%u", k, b);
      q->boxes[b] = (struct da_share_box){.q = q, .mailbox = sg_mailbox_by_name(name)};
      actors_start(name, hub, &q->boxes[b], da_aggregator_actor, false);
    }
    snprintf(name, sizeof(name), "da-q%u-ticker", k);
    actors_start(name, hub, q, da_ticker_actor, false);
  }
}

/* Flows an upload to the hub needs so that the TCP window does not hold it below the
 * submitter's uplink (with a 25% margin). */
static unsigned upload_streams_needed(const struct world *w, size_t provider, sg_host_t hub)
{
  sg_host_t host = w->providers[provider].host;
  double uplink = w->sc->classes[w->providers[provider].class_index].uplink_Bps;
  double rtt = 2 * sg_host_get_route_latency(host, hub);
  double window = sg_cfg_get_double("network/TCP-gamma"); /* network.tcp_window */
  double n = window > 0 ? ceil(1.25 * uplink * rtt / window) : 1;
  return n < 1 ? 1 : n > 4096 ? 4096 : (unsigned)n;
}

/* Lanes pair submitters and quorums round-robin: max(S, Q) of them, each rate / lanes. */
static void deploy_submitters(struct da *d)
{
  struct world *w = d->world;
  const struct provider_class *pc = &w->sc->classes[d->conf->submitter_class];
  d->n_submitters = (size_t)pc->count;
  d->submitters = calloc(d->n_submitters, sizeof(*d->submitters));
  size_t lanes = d->n_submitters > d->n_quorums ? d->n_submitters : d->n_quorums;
  d->n_lanes = (unsigned)lanes;
  d->lanes = calloc(lanes, sizeof(*d->lanes));
  xbt_assert(d->submitters && d->lanes, "out of memory");
  double tick = da_lane_tick_s(d);
  for (size_t s = 0; s < d->n_submitters; s++) {
    size_t provider = pc->first_provider + s;
    d->submitters[s] = (struct da_submitter){
      .da = d, .provider = provider,
      .streams = upload_streams_needed(w, provider, world_control_host(w))};
    d->submitters[s].lanes = malloc((lanes / d->n_submitters + 1) * sizeof(unsigned));
    xbt_assert(d->submitters[s].lanes, "out of memory");
  }
  for (unsigned l = 0; l < d->n_lanes; l++) {
    struct da_lane *lane = &d->lanes[l];
    struct da_submitter *s = &d->submitters[l % d->n_submitters];
    *lane = (struct da_lane){.da = d, .id = l, .quorum = l % d->n_quorums,
                             .submitter = s->provider};
    lane->rng = rng_stream(w->sc->seed, "da-blobs", l);
    lane->arrivals = arrivals_new(d->conf->blob_rate_per_s / (double)lanes, tick, lane->rng);
    xbt_assert(lane->arrivals, "out of memory");
    s->lanes[s->n_lanes++] = l;
  }
  char name[96];
  for (size_t s = 0; s < d->n_submitters; s++) {
    snprintf(name, sizeof(name), "da-submitter-%zu", s);
    actors_start(name, w->providers[d->submitters[s].provider].host, &d->submitters[s],
                da_submitter_actor, true);
  }
}

static double series_accepted_bytes(void *state)
{
  struct da *d = state;
  return d->blobs_aggregated * d->conf->blob_bytes;
}

static void *da_deploy(struct world *w, const void *conf)
{
  struct da *d = calloc(1, sizeof(*d));
  const struct da_conf *c = conf;
  xbt_assert(d, "out of memory");
  *d = (struct da){.world = w, .conf = c, .ledger = world_layer_state(w, "ledger")};
  d->threshold = da_accept_threshold(c);
  d->row_bytes = da_row_bytes(c, c->blob_bytes);
  d->encoded_bytes = d->row_bytes * (double)c->rows;
  d->aggregation_latency = metrics_hist(w->metrics, "blob_aggregation", "s");
  d->sampling_rng = rng_stream(w->sc->seed, "da-sampling", 0);
  d->hosts = calloc(w->n_providers + 1, sizeof(*d->hosts));
  xbt_assert(d->hosts, "out of memory");
  form_quorums(d);
  deploy_nodes(d);
  da_signers_init(d);
  deploy_submitters(d);
  deploy_quorum_actors(d);
  actors_start("da-sampling", world_control_host(w), d, da_sampling_actor, false);
  metrics_series_add(w->metrics, "da_throughput", "B/s", SERIES_RATE, series_accepted_bytes, d);
  return d;
}

static void da_state_free(void *state)
{
  struct da *d = state;
  if (!d)
    return;
  for (unsigned k = 0; d->quorums && k < d->n_quorums; k++) {
    struct da_quorum *q = &d->quorums[k];
    free(q->nodes);
    free(q->slot_node);
    free(q->boxes);
    frontier_free(q->frontier);
    pqueue_free(q->shares);
    free(q->batches);
    ring_free(&q->entries);
    free(q->accepts);
    ring_free(&q->pending);
  }
  for (unsigned l = 0; d->lanes && l < d->n_lanes; l++) {
    arrivals_free(d->lanes[l].arrivals);
    gsl_rng_free(d->lanes[l].rng);
  }
  for (size_t s = 0; d->submitters && s < d->n_submitters; s++) {
    free(d->submitters[s].lanes);
    free(d->submitters[s].taken);
  }
  free(d->submitters);
  free(d->lanes);
  free(d->quorums);
  free(d->nodes);
  free(d->blobs);
  free(d->signer_provider);
  free(d->ranked);
  free(d->is_signer);
  free(d->sampling_scratch);
  free(d->hosts);
  if (d->sampling_rng)
    gsl_rng_free(d->sampling_rng);
  quorum_free(d->assignment);
  free(d);
}

static const struct metric_def da_metrics[] = {
  {"da_throughput", UNIT_BANDWIDTH, "B/s", "original blob bytes accepted per second after warm-up"},
  {"da_throughput_offered", UNIT_BANDWIDTH, "B/s", "workload.blobs rate x size"},
  {"blob_acceptance_p50", UNIT_TIME, "s", "submission to acceptance on the ledger, median"},
  {"blob_acceptance_p99", UNIT_TIME, "s", "submission to acceptance on the ledger, 99th pct"},
  {"blob_aggregation_p50", UNIT_TIME, "s", "submission to 2/3 of the shares, median"},
  {"dispersal_p50", UNIT_TIME, "s", "per-slice: first row sent to last row delivered, median"},
  {"blobs_accepted", UNIT_NUMBER, "", "blobs accepted after warm-up"},
  {"blobs_retried", UNIT_NUMBER, "", "dispersals short of the threshold after retry_timeout"},
  {"blob_backlog_final", UNIT_NUMBER, "", "blobs waiting at the submitters at the end"},
  {"da_quorums", UNIT_NUMBER, "", "quorums formed from the signers' stake"},
  {"da_signer_changes", UNIT_NUMBER, "", "signers whose slots passed on when operators left"},
  {"da_flows", UNIT_NUMBER, "", "messages the DA layer put on the network"},
  {"da_write_per_node", UNIT_BANDWIDTH, "B/s", "mean disk write rate of a DA node"},
  {"da_write_per_node_max", UNIT_BANDWIDTH, "B/s", "busiest DA node's disk write rate"},
  {"consensus_bytes_per_blob", UNIT_SIZE, "B", "bytes a blob puts on the consensus network"},
  {"encoding_share", UNIT_NUMBER, "", "encoding time / blob aggregation time (median)"},
  {"sampling_detected", UNIT_NUMBER, "", "fraction of nodes missing rows that failed a sample"},
  {"undetected_loss", UNIT_NUMBER, "", "fraction of missing rows held by nodes never caught"},
  {"sampling_paid", UNIT_NUMBER, "tokens", "PoDAS rewards paid"},
  {"da_limit_submitters", UNIT_BANDWIDTH, "B/s", "blob bytes/s the submitters' uplinks carry"},
  {"da_limit_encoding", UNIT_BANDWIDTH, "B/s", "blob bytes/s the submitters encode"},
  {"da_limit_quorums", UNIT_BANDWIDTH, "B/s", "blob bytes/s 2/3 of each quorum's slots take"},
  {"da_limit_backbone", UNIT_BANDWIDTH, "B/s", "blob bytes/s the region backbones carry"},
  {NULL, 0, NULL, NULL},
};

/* DA publishes each blob's acceptance through the ledger's state when it has one. */
static const char *const da_consumes[] = {"ledger", NULL};
static const char *const da_workload[] = {"blobs", NULL};

const struct depin_layer da_layer = {
  .name = "da",
  .metrics = da_metrics,
  .consumes = da_consumes,
  .workload_keys = da_workload,
  .parse = da_conf_parse,
  .validate = da_conf_validate,
  .conf_free = da_conf_free,
  .estimate = da_estimate,
  .deploy = da_deploy,
  .finish = da_report,
  .state_free = da_state_free,
};
