/* ledger.c: the ledger layer's actors: one driver per shard, one proposer per round, one
 * actor per validator (model in ledger.h).
 *
 * The driver runs on the control host and owns the height loop; it never sends data, so it
 * needs no network position. For each round it builds the block from the mempool, starts a
 * proposer actor on the proposer's host and joins it: the proposer returns when a quorum
 * voted or round_timeout passed, and dies with its host if that goes down, so either way the
 * driver learns the round's outcome from the block. Validators restart with their host. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <stdlib.h>
#include <xbt/asserts.h>
#include <xbt/log.h>

#include "protocols/ledger/ledger_state.h"
#include "sim/base/rng.h"
#include "sim/engine/actors.h"

XBT_LOG_NEW_DEFAULT_CATEGORY(ledger, "ledger layer");

/* Messages a gossiped block is simulated as, at most: a message carries consecutive block
 * parts. With k messages a block crosses d gossip hops in about (k + d - 1) / k of one hop's
 * time (store-and-forward of whole blocks: d), so 16 leaves CometBFT's pipelining within a
 * few percent for trees up to 4 levels deep, at a fraction of the flows of 64 KiB parts
 * (measured on scenarios/default.yaml: see the README). */
#define LEDGER_SIMULATED_PARTS 16.0

/* How long round `round` of a height waits for its quorum (CometBFT's timeout_propose grows
 * by timeout_propose_delta each round). */
static double round_timeout(const struct ledger_conf *c, int round)
{
  return c->round_timeout_s + round * c->round_timeout_delta_s;
}

/* Whether validator `to` of b's shard can receive: one whose host is down, or whose actor has
 * not restarted since it came back, gets nothing (SimGrid refuses a transfer to a host that
 * is off, and the mailbox is the new actor's); it catches up on later blocks. */
static bool reachable(const struct world *w, const struct block *b, unsigned to)
{
  const struct validator *v = &b->shard->validators[to];
  const struct provider *p = &w->providers[v->provider];
  return sg_host_is_on(p->host) && v->listening_since >= p->up_since;
}

static void send_part(struct world *w, struct block_part *part, unsigned to)
{
  sg_mailbox_t box = part->block->shard->validators[to].mailbox;
  sg_comm_detach(sg_mailbox_put_init(box, part, (long)part->bytes), NULL);
  world_count_activity(w, 1);
}

/* Sends part to the validators below position `from` in its block's gossip tree that can
 * receive; returns how many it went to. A relay calls it as soon as it has a part (detached:
 * the relay goes on receiving; parts queued on its uplink share it and leave in order). */
static unsigned send_to_children(struct world *w, struct block_part *part, unsigned from)
{
  const struct block *b = part->block;
  unsigned long n = b->shard->n_validators, fanout = (unsigned long)b->shard->ledger->conf->fanout;
  unsigned long first = b->position[from] * fanout + 1;
  unsigned sent = 0;
  for (unsigned long child = first; child < first + fanout && child < n; child++)
    if (reachable(w, b, b->order[child])) {
      send_part(w, part, b->order[child]);
      sent++;
    }
  return sent;
}

/* The proposer sends b: whole to every validator (direct), or part after part to its gossip
 * children. A peer connection streams CometBFT's block parts back to back, so parts leave
 * paced by the proposer's uplink share (not all at once, which would make every part arrive
 * at the end, nor stop-and-wait, which would pay a round trip a part); relays forward each
 * part as it arrives. */
static void propose_block(struct world *w, struct block *b)
{
  unsigned n = b->shard->n_validators;
  if (b->shard->ledger->conf->dissemination == LEDGER_DIRECT) {
    for (unsigned v = 0; v < n; v++)
      if (v != b->proposer && reachable(w, b, v))
        send_part(w, &b->parts[0], v);
    return;
  }
  const struct provider *p = &w->providers[b->shard->validators[b->proposer].provider];
  double uplink = w->sc->classes[p->class_index].uplink_Bps;
  for (unsigned i = 0; i < b->n_parts; i++) {
    unsigned sent = send_to_children(w, &b->parts[i], b->proposer);
    if (i + 1 < b->n_parts)
      sg_actor_sleep_for(b->parts[i].bytes * sent / uplink);
  }
}

/* The block's signatures split evenly over the node's cores, each at the profile's one-core
 * rate. */
double ledger_check_seconds(const struct world *w, const struct provider *p, double n_tx)
{
  double rate = p->device->sig_verify_per_s * w->sc->classes[p->class_index].cpu_cores;
  return rate > 0 ? n_tx / rate : 0;
}

double ledger_block_check_seconds(const struct world *w, const struct ledger_conf *c,
                                  const struct provider *p, double n_tx)
{
  return c->checks == LEDGER_CHECK_MEMPOOL ? 0 : ledger_check_seconds(w, p, n_tx);
}

static void validator_handle(struct validator *v, struct block_part *part)
{
  struct world *w = v->shard->ledger->world;
  struct block *b = part->block;
  if (b->decided)
    return;
  if (b->shard->ledger->conf->dissemination == LEDGER_TREE)
    send_to_children(w, part, v->index);
  if (++b->parts_held[v->index] < b->n_parts)
    return;
  b->received++;
  b->last_received_at = simgrid_get_clock();
  const struct provider *p = &w->providers[v->provider];
  double check = ledger_block_check_seconds(w, b->shard->ledger->conf, p, b->n_tx);
  sg_actor_execute(world_exec_amount_for_seconds(w, p, check));
  world_count_activity(w, 1);
  /* decided: the round ended; a proposer that died with its host was decided by the driver. */
  if (b->decided)
    return;
  sg_comm_t vote = sg_mailbox_put_init(v->shard->votes, b, (long)LEDGER_VOTE_BYTES);
  sg_comm_detach(vote, NULL);
  world_count_activity(w, 1);
}

static void validator_actor(int argc, char **argv)
{
  struct validator *v = actors_state(argc, argv);
  if (v->shard->ledger->world->providers[v->provider].host != sg_host_self())
    return; /* its operator left and the slot passed on: this host came back for another */
  /* A permanent receiver: blocks flow in while the previous one is being checked, instead of
   * waiting in the mailbox for the next get (SimGrid's rendezvous). */
  v->mailbox = actors_open_mailbox(&v->starts);
  v->listening_since = simgrid_get_clock();
  for (;;) {
    struct block_part *part = actors_receive(v->mailbox); /* NULL: sender failed mid-way */
    if (part)
      validator_handle(v, part);
  }
}

/* Counts votes for b until the quorum or the deadline. */
static void proposer_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct block *b = sg_actor_self_get_data();
  struct shard *s = b->shard;
  struct world *w = s->ledger->world;
  double deadline = simgrid_get_clock() + round_timeout(s->ledger->conf, b->round);
  b->proposed_at = b->last_received_at = simgrid_get_clock();
  b->received = b->votes = 1; /* the proposer holds and approves its own block */
  if (s->mesh) { /* the spread and the votes in closed form: no transfer to wait for */
    ledger_mesh_round(b, deadline);
    b->decided = true;
    return;
  }
  /* Votes must travel in parallel: without a permanent receiver each would wait in the
   * mailbox for the next get and cross the network one after another. */
  sg_mailbox_set_receiver(sg_mailbox_get_name(s->votes));
  propose_block(w, b);
  while (b->votes < s->quorum_count) {
    double left = deadline - simgrid_get_clock();
    if (left <= 0)
      break;
    void *payload = NULL;
    sg_comm_t get = sg_mailbox_get_async(s->votes, &payload);
    sg_error_t status = sg_comm_wait_for(get, left);
    if (status == SG_ERROR_NETWORK) /* a voter failed while its vote travelled */
      continue;
    if (status != SG_OK)
      break;
    if (payload == b)
      b->votes++;
  }
  if (b->votes >= s->quorum_count)
    b->committed_at = simgrid_get_clock();
  b->decided = true;
}

/* The block's gossip tree: a fresh random order of the validators, the proposer first. */
static void draw_tree(struct shard *s, struct block *b)
{
  unsigned n = s->n_validators;
  b->order = malloc(n * sizeof(unsigned));
  b->position = malloc(n * sizeof(unsigned));
  xbt_assert(b->order && b->position, "out of memory");
  b->order[0] = b->proposer;
  for (unsigned i = 1, v = 0; i < n; v++)
    if (v != b->proposer)
      b->order[i++] = v;
  if (n > 2)
    gsl_ran_shuffle(s->gossip_rng, b->order + 1, n - 1, sizeof(unsigned));
  for (unsigned i = 0; i < n; i++)
    b->position[b->order[i]] = i;
}

static struct block *block_new(struct shard *s, long height, int round, unsigned proposer)
{
  struct block *b = calloc(1, sizeof(*b));
  xbt_assert(b, "out of memory");
  *b = (struct block){.shard = s, .height = height, .round = round, .proposer = proposer,
                      .committed_at = -1};
  if (s->ledger->conf->dissemination == LEDGER_TREE)
    draw_tree(s, b);
  if (s->n_blocks == s->cap_blocks) {
    s->cap_blocks = s->cap_blocks ? 2 * s->cap_blocks : 256;
    s->blocks = realloc(s->blocks, s->cap_blocks * sizeof(*s->blocks));
    xbt_assert(s->blocks, "out of memory");
  }
  s->blocks[s->n_blocks++] = b;
  return b;
}

/* The tree carries b in parts of part_bytes, simulated as at most LEDGER_SIMULATED_PARTS
 * messages of consecutive parts, all of one size (a short last part would reach a relay
 * right behind the one before and share its uplink with it, a delay a relay's in-order
 * connection does not have); direct, in one piece. The mesh cuts its own parts. */
static void cut_parts(struct block *b)
{
  const struct ledger_conf *c = b->shard->ledger->conf;
  double part = b->bytes;
  if (ledger_uses_mesh(c->dissemination))
    return;
  if (c->dissemination == LEDGER_TREE) {
    double real_parts = ceil(b->bytes / c->part_bytes);
    part = c->part_bytes * ceil(real_parts / fmin(real_parts, LEDGER_SIMULATED_PARTS));
  }
  b->n_parts = (unsigned)ceil(b->bytes / part);
  b->parts = malloc(b->n_parts * sizeof(*b->parts));
  b->parts_held = calloc(b->shard->n_validators, sizeof(unsigned));
  xbt_assert(b->parts && b->parts_held, "out of memory");
  for (unsigned i = 0; i < b->n_parts; i++)
    b->parts[i] = (struct block_part){b, b->bytes / b->n_parts};
}

static void fill_block(struct shard *s, struct block *b)
{
  const struct ledger_conf *c = s->ledger->conf;
  double capacity = floor((c->max_block_bytes - LEDGER_HEADER_BYTES) / c->tx_bytes);
  double now = simgrid_get_clock();
  ledger_mempool_fill(s, now);
  capacity = fmin(capacity,
                  floor(ledger_mempool_includable(s, b->proposer, now, capacity) + 1e-9));
  b->n_tx = arrivals_take(s->mempool, capacity, &b->batches, &b->n_batches, &b->cap_batches);
  b->bytes = LEDGER_HEADER_BYTES + b->n_tx * c->tx_bytes;
  cut_parts(b);
}

static void record_commit(struct shard *s, struct block *b)
{
  struct ledger *l = s->ledger;
  s->committed += b->n_tx;
  ledger_mempool_forget(s);
  if (!metrics_in_window(l->world->metrics, b->committed_at))
    return;
  s->committed_in_window += b->n_tx;
  for (size_t i = 0; i < b->n_batches; i++)
    hist_add(l->commit_latency, b->committed_at - b->batches[i].arrival, b->batches[i].count);
}

/* Rotation, or a draw in proportion to stake (uniform when no validator has stake). */
static unsigned choose_proposer(struct shard *s, long height, int round)
{
  if (s->ledger->conf->proposer == LEDGER_ROTATE)
    return (unsigned)((height + round) % s->n_validators);
  double total = s->stake_cumulative[s->n_validators - 1];
  if (total <= 0)
    return (unsigned)gsl_rng_uniform_int(s->proposer_rng, s->n_validators);
  double x = gsl_rng_uniform(s->proposer_rng) * total;
  unsigned lo = 0, hi = s->n_validators - 1;
  while (lo < hi) {
    unsigned mid = (lo + hi) / 2;
    if (s->stake_cumulative[mid] > x)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

/* One round: returns true when the block committed. */
static bool run_round(struct shard *s, long height, int round)
{
  struct world *w = s->ledger->world;
  unsigned proposer = choose_proposer(s, height, round);
  struct validator *v = &s->validators[proposer];
  struct block *b = block_new(s, height, round, proposer);
  if (!sg_host_is_on(w->providers[v->provider].host)) {
    b->decided = true;
    b->proposed_at = simgrid_get_clock();
    sg_actor_sleep_for(round_timeout(s->ledger->conf, round));
    return false;
  }
  fill_block(s, b);
  sg_actor_t a = sg_actor_init("proposer", w->providers[v->provider].host);
  sg_actor_set_data(a, b);
  sg_actor_ref(a);
  sg_actor_start(a, proposer_actor, 0, NULL);
  sg_actor_join(a, -1); /* returns at quorum, timeout or when the host dies */
  sg_actor_unref(a);
  b->decided = true;
  if (b->committed_at >= 0) {
    record_commit(s, b);
    return true;
  }
  arrivals_return(s->mempool, b->batches, b->n_batches);
  b->n_batches = 0;
  return false;
}

static void driver_actor(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct shard *s = sg_actor_self_get_data();
  double block_time = s->ledger->conf->block_time_s, last_proposal = -INFINITY;
  for (long height = 0;; height++) {
    for (int round = 0;; round++) {
      double start = fmax(simgrid_get_clock(), last_proposal + block_time);
      sg_actor_sleep_until(start);
      ledger_valset_update(s);
      bool committed = run_round(s, height, round);
      last_proposal = s->blocks[s->n_blocks - 1]->proposed_at;
      if (committed)
        break;
      s->failed_rounds++;
    }
  }
}

void ledger_start_validator(struct shard *s, unsigned i, size_t provider)
{
  struct world *w = s->ledger->world;
  struct validator *v = &s->validators[i];
  char name[64];
  unsigned starts = v->starts; /* a successor's mailboxes keep counting: names stay unique */
  *v = (struct validator){.shard = s, .index = i, .provider = provider, .starts = starts,
                          .listening_since = -INFINITY}; /* until its actor runs */
  s->ledger->has_role[provider] = 1;
  if (ledger_uses_mesh(s->ledger->conf->dissemination))
    return; /* the mesh computes what validators receive and vote: no actor */
  snprintf(name, sizeof(name), "ledger-s%u-v%u", s->id, i);
  actors_start(name, w->providers[provider].host, v, validator_actor, true);
}

/* The shard's validators are ranked[id x V ..], its full nodes come after every shard's
 * validators: ranked[shards x V + id x F ..]. */
static void deploy_shard(struct ledger *l, unsigned id, const size_t *ranked)
{
  struct world *w = l->world;
  const struct ledger_conf *c = l->conf;
  struct shard *s = &l->shards[id];
  char name[64];
  *s = (struct shard){.ledger = l, .id = id, .n_validators = (unsigned)c->validators,
                      .records = ring_new(sizeof(struct tx_record))};
  s->quorum_count = (unsigned)ceil(c->quorum * s->n_validators - 1e-9);
  s->validators = calloc(s->n_validators, sizeof(*s->validators));
  s->mempool_rng = rng_stream(w->sc->seed, "ledger-mempool", id);
  s->gossip_rng = rng_stream(w->sc->seed, "ledger-gossip", id);
  s->mempool = arrivals_new(c->tx_rate_per_s / c->shards, ledger_mempool_tick(c), s->mempool_rng);
  xbt_assert(s->validators && s->mempool, "out of memory");
  snprintf(name, sizeof(name), "ledger-s%u-votes", id);
  s->votes = sg_mailbox_by_name(name);
  for (unsigned i = 0; i < s->n_validators; i++)
    ledger_start_validator(s, i, ranked[(size_t)id * s->n_validators + i]);
  s->proposer_rng = rng_stream(w->sc->seed, "ledger-proposer", id);
  s->stake_cumulative = malloc(s->n_validators * sizeof(double));
  xbt_assert(s->stake_cumulative, "out of memory");
  ledger_restake(s);
  if (ledger_uses_mesh(c->dissemination)) {
    size_t full = (size_t)c->shards * c->validators + (size_t)id * (size_t)c->full_nodes;
    ledger_mesh_deploy(s, ranked + full, (unsigned)c->full_nodes);
    for (long k = 0; k < c->full_nodes; k++)
      l->has_role[ranked[full + (size_t)k]] = 1;
  }
  snprintf(name, sizeof(name), "ledger-s%u-driver", id);
  sg_actor_t driver = sg_actor_init(name, world_control_host(w));
  sg_actor_set_data(driver, s);
  sg_actor_start(driver, driver_actor, 0, NULL);
}

static void *ledger_deploy(struct world *w, const void *conf)
{
  struct ledger *l = calloc(1, sizeof(*l));
  const struct ledger_conf *c = conf;
  xbt_assert(l, "out of memory");
  *l = (struct ledger){.world = w, .conf = c, .n_shards = (unsigned)c->shards};
  l->shards = calloc(l->n_shards, sizeof(*l->shards));
  size_t *ranked = malloc(w->n_providers * sizeof(size_t));
  xbt_assert(l->shards && ranked, "out of memory");
  for (size_t i = 0; i < w->n_providers; i++)
    ranked[i] = i;
  world_rank_by_stake(w, ranked, w->n_providers);
  ledger_valset_init(l, ranked, w->n_providers);
  size_t n = 0; /* the launch set: providers in the network */
  for (size_t i = 0; i < w->n_providers; i++)
    if (!w->providers[ranked[i]].spare)
      ranked[n++] = ranked[i];
  l->commit_latency = metrics_hist(w->metrics, "commit_latency", "s");
  if (ledger_uses_mesh(c->dissemination)) {
    l->reach[0] = metrics_hist(w->metrics, "block_reach_50", "s");
    l->reach[1] = metrics_hist(w->metrics, "block_reach_90", "s");
    l->reach[2] = metrics_hist(w->metrics, "block_reach_100", "s");
  }
  for (unsigned id = 0; id < l->n_shards; id++)
    deploy_shard(l, id, ranked);
  free(ranked);
  metrics_series_add(w->metrics, "tps", "tx/s", SERIES_RATE, ledger_committed, l);
  metrics_series_add(w->metrics, "backlog", "tx", SERIES_GAUGE, ledger_backlog, l);
  return l;
}

static void block_free(struct block *b)
{
  free(b->batches);
  free(b->order);
  free(b->position);
  free(b->parts);
  free(b->parts_held);
  free(b);
}

static void ledger_state_free(void *state)
{
  struct ledger *l = state;
  free(l->ranked);
  free(l->has_role);
  for (unsigned id = 0; id < l->n_shards; id++) {
    struct shard *s = &l->shards[id];
    for (size_t i = 0; i < s->n_blocks; i++)
      block_free(s->blocks[i]);
    free(s->blocks);
    free(s->cumulative);
    free(s->cumulative_at);
    free(s->validators);
    arrivals_free(s->mempool);
    ledger_mesh_free(s->mesh);
    ledger_mempool_free(s);
    gsl_rng_free(s->mempool_rng);
    gsl_rng_free(s->gossip_rng);
    gsl_rng_free(s->proposer_rng);
    free(s->stake_cumulative);
  }
  free(l->shards);
  free(l);
}

static const struct metric_def ledger_metrics[] = {
  {"tps", UNIT_RATE, "tx/s", "committed transactions per second after warm-up, all shards"},
  {"tps_per_shard", UNIT_RATE, "tx/s", "tps / shards"},
  {"tps_offered", UNIT_RATE, "tx/s", "the workload's transaction rate"},
  {"commit_latency_p50", UNIT_TIME, "s", "submission to commit, median"},
  {"commit_latency_p90", UNIT_TIME, "s", "submission to commit, 90th percentile"},
  {"commit_latency_p99", UNIT_TIME, "s", "submission to commit, 99th percentile"},
  {"commit_latency_max", UNIT_TIME, "s", "submission to commit, worst"},
  {"block_propagation_p50", UNIT_TIME, "s", "proposal to the last validator holding it"},
  {"block_propagation_p99", UNIT_TIME, "s", "proposal to the last validator holding it"},
  {"block_reach_50_p50", UNIT_TIME, "s", "mesh: proposal until half of the nodes up hold it"},
  {"block_reach_50_p99", UNIT_TIME, "s", "mesh: proposal until half of the nodes up hold it"},
  {"block_reach_90_p50", UNIT_TIME, "s", "mesh: proposal until 90% of the nodes up hold it"},
  {"block_reach_90_p99", UNIT_TIME, "s", "mesh: proposal until 90% of the nodes up hold it"},
  {"block_reach_100_p50", UNIT_TIME, "s", "mesh: proposal until every node up holds it"},
  {"block_reach_100_p99", UNIT_TIME, "s", "mesh: proposal until every node up holds it"},
  {"gossip_bytes_per_block", UNIT_SIZE, "B", "mesh: bytes all nodes uploaded per block"},
  {"gossip_duplicate_share", UNIT_NUMBER, "", "mesh: share of those that reached a holder"},
  {"gossip_events", UNIT_NUMBER, "", "mesh: events the gossip engine processed (its cost)"},
  {"mempool_bytes_per_tx", UNIT_SIZE, "B", "mempool.gossip: bytes uploaded per transaction"},
  {"mempool_duplicate_share", UNIT_NUMBER, "", "mempool.gossip: share reaching a holder"},
  {"block_interval", UNIT_TIME, "s", "mean time between committed blocks of a shard"},
  {"backlog_final", UNIT_NUMBER, "tx", "transactions waiting at the end"},
  {"blocks", UNIT_NUMBER, "", "committed blocks, all shards"},
  {"failed_rounds", UNIT_NUMBER, "", "rounds lost to a down proposer or a missed quorum"},
  {"validator_changes", UNIT_NUMBER, "", "validator slots passed on when operators left"},
  {NULL, 0, NULL, NULL},
};

static const char *const ledger_workload[] = {"transactions", NULL};

const struct depin_layer ledger_layer = {
  .name = "ledger",
  .metrics = ledger_metrics,
  .workload_keys = ledger_workload,
  .parse = ledger_conf_parse,
  .validate = ledger_conf_validate,
  .conf_free = ledger_conf_free,
  .estimate = ledger_estimate,
  .deploy = ledger_deploy,
  .finish = ledger_report,
  .state_free = ledger_state_free,
};
