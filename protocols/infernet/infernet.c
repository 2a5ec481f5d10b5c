/* infernet.c: the infernet layer's deployment and its table entry (model in infernet.h,
 * actors in infernet_actors.c, results in infernet_report.c).
 *
 * Actors: on the control host the consumers and the chain watcher (the Coordinator's view);
 * on each Infernet node its processor, restarted with its host. */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/infernet/infernet_state.h"
#include "sim/base/rng.h"

static void deploy_nodes(struct infernet *in)
{
  struct world *w = in->world;
  const struct infernet_conf *c = in->conf;
  const struct provider_class *pc = &w->sc->classes[c->node_class];
  in->n_nodes = (size_t)pc->count;
  in->nodes = calloc(in->n_nodes, sizeof(*in->nodes));
  xbt_assert(in->nodes, "out of memory");
  char name[96];
  for (size_t j = 0; j < in->n_nodes; j++) {
    struct infernet_node *n = &in->nodes[j];
    /* each node's loops run from a phase of their own, as independent nodes' would */
    *n = (struct infernet_node){
      .in = in, .provider = pc->first_provider + j, .jobs = pqueue_new(),
      .watch_phase = gsl_rng_uniform(in->rng_nodes) * c->watch_interval_s,
      .process_phase = gsl_rng_uniform(in->rng_nodes) * c->process_interval_s};
    xbt_assert(n->jobs, "out of memory");
    sg_host_t host = w->providers[n->provider].host;
    snprintf(name, sizeof(name), "infernet-%s", sg_host_get_name(host));
    actors_start(name, host, n, infernet_node_actor, true);
  }
}

static void *infernet_deploy(struct world *w, const void *conf)
{
  const struct infernet_conf *c = conf;
  struct infernet *in = calloc(1, sizeof(*in));
  xbt_assert(in, "out of memory");
  *in = (struct infernet){.world = w, .conf = c, .ledger = world_layer_state(w, "ledger")};
  xbt_assert(in->ledger, "the infernet layer runs with a ledger (its validate checks it)");
  in->rng_arrivals = rng_stream(w->sc->seed, "infernet-arrivals", 0);
  in->rng_nodes = rng_stream(w->sc->seed, "infernet-nodes", 0);
  in->rng_proofs = rng_stream(w->sc->seed, "infernet-proofs", 0);
  in->arrivals = calloc(c->n_subs, sizeof(*in->arrivals));
  in->created = calloc(c->n_subs, sizeof(*in->created));
  xbt_assert(in->arrivals && in->created, "out of memory");
  for (size_t i = 0; i < c->n_subs; i++) {
    double rate = c->subs[i].rate_per_s;
    in->arrivals[i] = arrivals_new(rate, fmin(0.05, 0.1 / rate), in->rng_arrivals);
    xbt_assert(in->arrivals[i], "out of memory");
  }
  in->latency = metrics_hist(w->metrics, "infernet_latency", "s");
  in->request_inclusion = metrics_hist(w->metrics, "infernet_request_inclusion", "s");
  in->callback_inclusion = metrics_hist(w->metrics, "infernet_callback_inclusion", "s");
  in->no_queue = metrics_hist(w->metrics, "infernet_latency_no_queue", "s");
  in->classes = calloc(c->n_subs, sizeof(*in->classes));
  xbt_assert(in->classes, "out of memory");
  char name[96];
  for (size_t i = 0; i < c->n_subs; i++) {
    snprintf(name, sizeof(name), "infernet_latency_%s", c->subs[i].name);
    in->classes[i].latency = metrics_hist(w->metrics, name, "s");
  }
  deploy_nodes(in);
  sg_host_t hub = world_control_host(w);
  actors_start("infernet-consumers", hub, in, infernet_consumer_actor, false);
  actors_start("infernet-chain", hub, in, infernet_chain_actor, false);
  return in;
}

static void infernet_state_free(void *state)
{
  struct infernet *in = state;
  if (!in)
    return;
  for (size_t i = 0; in->arrivals && i < in->conf->n_subs; i++)
    arrivals_free(in->arrivals[i]);
  for (size_t j = 0; j < in->n_nodes; j++) {
    pqueue_free(in->nodes[j].jobs);
    for (size_t i = 0; i < in->nodes[j].n_jobs; i++) /* containers the run ended in */
      free(in->nodes[j].running[i]);
    free(in->nodes[j].running);
  }
  free(in->arrivals);
  free(in->created);
  free(in->classes);
  free(in->nodes);
  free(in->subs);
  free(in->waiting);
  free(in->callbacks);
  free(in->taken);
  gsl_rng_free(in->rng_arrivals);
  gsl_rng_free(in->rng_nodes);
  gsl_rng_free(in->rng_proofs);
  free(in);
}

static const struct metric_def infernet_metrics[] = {
  {"infernet_latency_p50", UNIT_TIME, "s", "request to accepted callback commit, median"},
  {"infernet_latency_p99", UNIT_TIME, "s", "request to accepted callback commit, 99th percentile"},
  {"infernet_latency_mean", UNIT_TIME, "s", "request to accepted callback commit, mean"},
  {"infernet_requests", UNIT_NUMBER, "", "intervals (requests) with an accepted delivery"},
  {"infernet_callbacks", UNIT_NUMBER, "", "deliveries the Coordinator accepted"},
  {"infernet_callbacks_per_request", UNIT_NUMBER, "", "accepted deliveries per request"},
  {"infernet_callbacks_reverted", UNIT_NUMBER, "",
   "deliveries that reverted (redundancy met or interval over) but took block space"},
  {"infernet_intervals_skipped", UNIT_NUMBER, "",
   "intervals a node dropped: redundancy met or interval over when it took them up"},
  {"infernet_chain_bytes_per_request", UNIT_SIZE, "B",
   "subscription and delivery transaction bytes per request"},
  {"infernet_chain_tx_per_request", UNIT_NUMBER, "", "transactions per request"},
  {"infernet_node_utilisation", UNIT_NUMBER, "", "share of node time spent computing or proving"},
  {"infernet_cost_per_request", UNIT_NUMBER, "USD", "fees consumers paid per request"},
  {"infernet_request_inclusion_mean", UNIT_TIME, "s", "subscription submission to commit"},
  {"infernet_callback_inclusion_mean", UNIT_TIME, "s", "delivery submission to commit"},
  {"infernet_proofs_invalid", UNIT_NUMBER, "", "deliveries whose proof the verifier rejected"},
  {NULL, 0, NULL, NULL},
};

static const char *const infernet_consumes[] = {"ledger", NULL};

const struct depin_layer infernet_layer = {
  .name = "infernet",
  .metrics = infernet_metrics,
  .consumes = infernet_consumes,
  .parse = infernet_conf_parse,
  .validate = infernet_conf_validate,
  .conf_free = infernet_conf_free,
  .estimate = infernet_estimate,
  .deploy = infernet_deploy,
  .finish = infernet_report,
  .state_free = infernet_state_free,
};
