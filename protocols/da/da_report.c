/* da_report.c: what the DA layer measured, each figure beside its analytical bound, and the
 * /blobs table. */
#include <math.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/da/da_state.h"

/* Blob bytes per second that 2/3 of a quorum's slots can take: each node takes
 * min(downlink, disk) / (its slots x row bytes) blobs a second, and a blob needs `threshold`
 * slots, so the quorum keeps up with the rate of its threshold-th fastest slot. */
static int descending(const void *x, const void *y)
{
  double a = *(const double *)x, b = *(const double *)y;
  return (a < b) - (a > b);
}

static double quorum_blob_rate(const struct da *d, const struct da_quorum *q,
                               const double *rows_of_provider)
{
  const struct world *w = d->world;
  double *rate = malloc((size_t)d->conf->quorum_slots * sizeof(double));
  xbt_assert(rate, "out of memory");
  for (long s = 0; s < d->conf->quorum_slots; s++) {
    const struct da_node *n = &d->nodes[q->slot_node[s]];
    const struct provider_class *pc = &w->sc->classes[w->providers[n->provider].class_index];
    /* a provider's disk serves every quorum it is in: its rows per blob add up */
    double rows = rows_of_provider[n->provider];
    rate[s] = fmin(pc->downlink_Bps, d->conf->write_bandwidth_Bps) / (rows * d->row_bytes);
  }
  qsort(rate, (size_t)d->conf->quorum_slots, sizeof(double), descending);
  double r = rate[d->threshold - 1];
  free(rate);
  return r;
}

struct da_limits {
  double offered, submitters, encoding, quorums, backbone, bound;
};

static struct da_limits limits(const struct da *d)
{
  const struct world *w = d->world;
  const struct da_conf *c = d->conf;
  struct da_limits l = {.offered = c->blob_rate_per_s * c->blob_bytes};
  double per_encoded = c->blob_bytes / d->encoded_bytes; /* blob bytes per encoded byte */
  for (size_t s = 0; s < d->n_submitters; s++) {
    const struct provider *p = &w->providers[d->submitters[s].provider];
    l.submitters += w->sc->classes[p->class_index].uplink_Bps * per_encoded;
    l.encoding += p->device->da_encode_Bps > 0 ? p->device->da_encode_Bps : INFINITY;
  }
  double *rows = calloc(w->n_providers + 1, sizeof(double));
  xbt_assert(rows, "out of memory");
  for (size_t i = 0; i < d->n_nodes; i++)
    rows[d->nodes[i].provider] += (double)d->nodes[i].slots;
  for (unsigned k = 0; k < d->n_quorums; k++)
    l.quorums += quorum_blob_rate(d, &d->quorums[k], rows) * c->blob_bytes;
  free(rows);
  l.backbone = INFINITY;
  if (w->sc->n_regions > 0) {
    l.backbone = 0;
    for (size_t r = 0; r < w->sc->n_regions; r++)
      l.backbone += w->sc->regions[r].backbone_Bps * per_encoded;
  }
  l.bound = fmin(fmin(l.offered, l.submitters), fmin(fmin(l.encoding, l.quorums), l.backbone));
  return l;
}

/* Zero-load time from submission to 2/3 of the shares on the first submitter: encode, push
 * the threshold's rows through its uplink (no blob can be accepted before they left), verify
 * and write one row. */
static double acceptance_floor(const struct da *d)
{
  const struct world *w = d->world;
  const struct provider *p = &w->providers[d->submitters[0].provider];
  const struct provider_class *pc = &w->sc->classes[p->class_index];
  double encode = p->device->da_encode_Bps > 0 ? d->conf->blob_bytes / p->device->da_encode_Bps : 0;
  return encode + da_dispersal_seconds(d->row_bytes, d->threshold, pc->uplink_Bps, 0) +
         d->row_bytes / d->conf->write_bandwidth_Bps;
}

double da_accepted_bytes(void *state)
{
  struct da *d = state;
  return d->blobs_aggregated * d->conf->blob_bytes;
}

static double accepted_at(struct da *d, const struct da_accept *a)
{
  if (!d->ledger)
    return a->aggregated_at;
  return a->has_ticket ? ledger_ticket_committed_at(d->ledger, a->ticket) : -1;
}

static void report_blobs(struct da *d, hist_t *acceptance, double *accepted)
{
  static const struct table_column cols[] = {
    {"quorum", COL_INT64, ""},      {"blobs", COL_DOUBLE, ""},
    {"arrival", COL_DOUBLE, "s"},   {"aggregated", COL_DOUBLE, "s"},
    {"accepted", COL_DOUBLE, "s"},
  };
  metrics_t *m = d->world->metrics;
  table_t *t = metrics_table(m, "blobs", sizeof(cols) / sizeof(cols[0]), cols);
  for (unsigned k = 0; k < d->n_quorums; k++) {
    const struct da_quorum *q = &d->quorums[k];
    for (size_t i = 0; i < q->n_accepts; i++) {
      const struct da_accept *a = &q->accepts[i];
      double at = accepted_at(d, a);
      if (at >= 0 && metrics_in_window(m, at)) {
        *accepted += a->count;
        hist_add(acceptance, at - a->arrival, a->count);
      }
      union table_cell row[] = {{.i = k}, {.d = a->count}, {.d = a->arrival},
                                {.d = a->aggregated_at}, {.d = at}};
      table_append(t, row);
    }
  }
}

static void report_nodes(struct da *d, double window)
{
  const struct world *w = d->world;
  metrics_t *m = w->metrics;
  double *written = calloc(w->n_providers + 1, sizeof(double));
  xbt_assert(written, "out of memory");
  double missing_total = 0, missing_uncaught = 0, lossy = 0, caught = 0;
  for (size_t i = 0; i < d->n_nodes; i++) {
    struct da_node *n = &d->nodes[i];
    written[n->provider] += n->bytes_written_in_window;
    if (!sg_host_is_on(w->providers[n->provider].host))
      da_node_account_loss(n); /* down at the end: its queue is gone */
    double missing = da_node_missing(n);
    if (missing < 0.5)
      continue;
    missing_total += missing;
    lossy++;
    if (n->first_failed_at >= 0)
      caught++;
    else
      missing_uncaught += missing;
  }
  double sum = 0, max = 0, nodes = 0;
  for (size_t i = 0; i < d->n_signers; i++) {
    double rate = written[d->signer_provider[i]] / window;
    sum += rate;
    max = fmax(max, rate);
    nodes++;
  }
  free(written);
  metrics_summary_set(m, "da_write_per_node", nodes > 0 ? sum / nodes : 0, "B/s");
  metrics_summary_set(m, "da_write_per_node_max", max, "B/s");
  metrics_bound_set(m, "da_write_per_node", d->conf->write_bandwidth_Bps, "B/s", BOUND_LIMIT,
                    "storage.write_bandwidth (0G's 35 MB/s per node)");
  metrics_bound_set(m, "da_write_per_node_max", d->conf->write_bandwidth_Bps, "B/s", BOUND_LIMIT,
                    "storage.write_bandwidth");
  metrics_summary_set(m, "sampling_detected", lossy > 0 ? caught / lossy : 1, "");
  metrics_summary_set(m, "undetected_loss", missing_total > 0 ? missing_uncaught / missing_total
                                                              : 0, "");
  metrics_summary_set(m, "sampling_paid", d->paid_total, "tokens");
}

void da_report(void *state, struct world *w)
{
  struct da *d = state;
  metrics_t *m = w->metrics;
  if (d->conf->grain == DA_GRAIN_AGGREGATE)
    for (unsigned k = 0; k < d->n_quorums; k++)
      da_hub_settle(&d->quorums[k], simgrid_get_clock()); /* shares in since its last wake-up */
  da_sampling_record_fees(d); /* those since the last round: the token layer finishes after */
  const struct da_conf *c = d->conf;
  double window = w->sc->duration_s - w->sc->warmup_s, accepted = 0, backlog = 0;
  hist_t *acceptance = metrics_hist(m, "blob_acceptance", "s");
  report_blobs(d, acceptance, &accepted);
  for (unsigned l = 0; l < d->n_lanes; l++) {
    arrivals_fill(d->lanes[l].arrivals, simgrid_get_clock());
    backlog += arrivals_backlog(d->lanes[l].arrivals);
  }
  hist_t *dispersal = metrics_hist(m, "dispersal", "s");
  for (size_t i = 0; i < d->n_blobs; i++) {
    const struct da_blob *b = &d->blobs[i];
    if (b->rows_received == c->quorum_slots && metrics_in_window(m, b->dispersed_at))
      hist_add(dispersal, b->delivered_at - b->dispersed_at, 1);
  }
  if (c->grain == DA_GRAIN_PER_SLICE) /* the aggregate grain has no per-blob dispersal */
    metrics_summary_set(m, "dispersal_p50", hist_quantile(dispersal, 0.5), "s");
  double aggregation_p50 = hist_quantile(d->aggregation_latency, 0.5);
  double encode_mean = d->blobs_encoded > 0 ? d->encode_s_total / d->blobs_encoded : 0;
  metrics_summary_set(m, "da_throughput", accepted * c->blob_bytes / window, "B/s");
  metrics_summary_set(m, "da_throughput_offered", c->blob_rate_per_s * c->blob_bytes, "B/s");
  metrics_summary_set(m, "blob_acceptance_p50", hist_quantile(acceptance, 0.5), "s");
  metrics_summary_set(m, "blob_acceptance_p99", hist_quantile(acceptance, 0.99), "s");
  metrics_summary_set(m, "blob_aggregation_p50", aggregation_p50, "s");
  metrics_summary_set(m, "blobs_accepted", accepted, "");
  metrics_summary_set(m, "blobs_retried", d->blobs_retried, "");
  metrics_summary_set(m, "blob_backlog_final", backlog, "");
  metrics_summary_set(m, "da_quorums", d->n_quorums, "");
  metrics_summary_set(m, "da_signer_changes", d->signer_changes, "");
  metrics_summary_set(m, "da_flows", d->flows, "");
  metrics_summary_set(m, "consensus_bytes_per_blob", da_publish_bytes(c), "B");
  metrics_summary_set(m, "encoding_share", aggregation_p50 > 0 ? encode_mean / aggregation_p50
                                                               : 0, "");
  report_nodes(d, window);

  struct da_limits l = limits(d);
  metrics_summary_set(m, "da_limit_submitters", l.submitters, "B/s");
  metrics_summary_set(m, "da_limit_encoding", l.encoding, "B/s");
  metrics_summary_set(m, "da_limit_quorums", l.quorums, "B/s");
  metrics_summary_set(m, "da_limit_backbone", l.backbone, "B/s");
  metrics_bound_set(m, "da_throughput", l.bound, "B/s", BOUND_LIMIT,
                    "min(offered, sum(submitter uplink) x coding rate, sum(encode rate), "
                    "quorums x rate of each quorum's 2/3-th fastest slot (min(downlink, disk) / "
                    "rows it holds), sum(backbones) x coding rate)");
  double floor_s = acceptance_floor(d);
  metrics_bound_set(m, "blob_acceptance_p50", floor_s, "s", BOUND_FLOOR,
                    "zero load: encode + 2/3 of the rows x row bytes / submitter uplink + one "
                    "row's write (+ a ledger block when published)");
  metrics_bound_set(m, "blob_aggregation_p50", floor_s, "s", BOUND_FLOOR, "as blob_acceptance_p50");
  metrics_bound_set(m, "consensus_bytes_per_blob", da_publish_bytes(c), "B", BOUND_EXPECTED,
                    "commitment + aggregate signature + signer bitmap + overhead: no row data");
  metrics_bound_set(m, "encoding_share", 1, "", BOUND_LIMIT, "all of the time");
}
