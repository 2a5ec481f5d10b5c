/* storage_actors.c: the storage layer's actors: the log writer, the nodes (disk writes and
 * read service), the reader and its sink, and the PoRA miner (model in storage.h). The miner
 * records each period's claims with the token layer as one reward per node that claimed, and
 * the fees endowed since the last period as one fee, so the events stay few at any load. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <stdio.h>
#include <stdlib.h>
#include <xbt/asserts.h>

#include "protocols/storage/storage_state.h"
#include "protocols/token/token_layer.h"

static int node_up(const struct storage *st, const struct storage_node *n)
{
  return world_provider_is_up(st->world, n->provider);
}

/* Whether n can take a batch: up, and its actor restarted (with a fresh mailbox) since it
 * came back. */
static int node_listening(const struct storage *st, const struct storage_node *n)
{
  return node_up(st, n) && n->listening_since >= st->world->providers[n->provider].up_since;
}

/* ---------------------------------------------------------------- the log writer */

/* How many p in [a, b) have p mod n == r (0 <= r < n). */
static double count_residue(double a, double b, double r, double n)
{
  return floor((b - 1 - r) / n) - floor((a - 1 - r) / n);
}

/* Puts the fee of positions [a, b) into their pricing segments, pro rata. */
static void endow(struct storage *st, double a, double b, double fee)
{
  double per_chunk = fee / (b - a), now = simgrid_get_clock();
  for (double s = floor(a / st->chunks_per_segment); s * st->chunks_per_segment < b; s++) {
    size_t i = (size_t)s;
    while (i >= st->n_segments) {
      if (st->n_segments == st->cap_segments) {
        st->cap_segments = st->cap_segments ? 2 * st->cap_segments : 16;
        st->seg_fee = realloc(st->seg_fee, st->cap_segments * sizeof(double));
        st->seg_start = realloc(st->seg_start, st->cap_segments * sizeof(double));
        st->seg_claimed = realloc(st->seg_claimed, st->cap_segments * sizeof(double));
        xbt_assert(st->seg_fee && st->seg_start && st->seg_claimed, "out of memory");
      }
      st->seg_fee[st->n_segments] = st->seg_claimed[st->n_segments] = 0;
      st->seg_start[st->n_segments++] = now;
    }
    double lo = fmax(a, s * st->chunks_per_segment);
    double hi = fmin(b, (s + 1) * st->chunks_per_segment);
    st->seg_fee[i] += per_chunk * (hi - lo);
  }
  st->fees += fee;
}

/* Appends `count` writes to the log and owes each node its chunks of them. */
static void append(struct storage *st, double count)
{
  const struct storage_conf *c = st->conf;
  double per_write = ceil(c->write_bytes / c->chunk_bytes);
  double a = st->log_chunks, b = a + count * per_write, n = (double)st->n_nodes;
  for (size_t j = 0; j < st->n_nodes; j++)
    for (long k = 0; k < c->replicas; k++) {
      double offset = (double)((size_t)k * st->n_nodes / (size_t)c->replicas);
      double chunks = count_residue(a, b, fmod((double)j - offset + n, n), n);
      st->nodes[j].owed_chunks += chunks;
      st->nodes[j].owed_bytes += chunks * c->chunk_bytes;
    }
  endow(st, a, b, count * ceil(c->write_bytes / STORAGE_SECTOR_BYTES) * c->price_per_sector);
  st->log_chunks = b;
  st->bytes_appended += count * c->write_bytes;
}

/* A batch that did not reach its node's disk (the node failed first): owed again, so the
 * node catches up once it is back, as a 0G node syncs what it missed. */
static void owe_again(struct storage_batch *b)
{
  b->node->owed_bytes += b->bytes;
  b->node->owed_chunks += b->chunks;
  b->node->missed_chunks += b->chunks;
  free(b);
}

/* SimGrid's clean-up of a detached transfer that failed (its receiver went down). */
static void batch_not_delivered(void *payload)
{
  owe_again(payload);
}

static void flush(struct storage *st)
{
  for (size_t j = 0; j < st->n_nodes; j++) {
    struct storage_node *n = &st->nodes[j];
    if (n->owed_chunks <= 0)
      continue;
    if (!node_listening(st, n)) { /* kept until it is back */
      n->missed_chunks = n->owed_chunks;
      continue;
    }
    /* At most two intervals of disk time a flow: a node catching up after a failure gets
     * its backlog at its disk's pace, not as one flow its disk waits for. */
    double cap = 2 * st->conf->write_bandwidth_Bps * st->conf->interval_s;
    double share = fmin(1, cap / n->owed_bytes);
    struct storage_batch *b = malloc(sizeof(*b));
    xbt_assert(b, "out of memory");
    *b = (struct storage_batch){.node = n, .bytes = n->owed_bytes * share,
                                .chunks = n->owed_chunks * share};
    sg_comm_detach(sg_mailbox_put_init(n->writes, b, (long)b->bytes), batch_not_delivered);
    world_count_activity(st->world, 1);
    n->chunks_resynced += n->missed_chunks * share;
    n->owed_bytes -= b->bytes;
    n->owed_chunks -= b->chunks;
    n->missed_chunks -= n->missed_chunks * share;
    if (share == 1) /* exact zeros, not rounding residue */
      n->owed_bytes = n->owed_chunks = n->missed_chunks = 0;
  }
}

/* Once an interval: the writes that arrived are appended and each node gets one flow. */
void storage_writer_actor(int argc, char **argv)
{
  struct storage *st = actors_state(argc, argv);
  for (;;) {
    sg_actor_sleep_for(st->conf->interval_s);
    arrivals_fill(st->writes, simgrid_get_clock());
    double waiting = floor(arrivals_backlog(st->writes) + 1e-9);
    if (waiting >= 1) {
      size_t n = 0;
      arrivals_take(st->writes, waiting, &st->taken, &n, &st->cap_taken);
      append(st, waiting);
    }
    flush(st);
  }
}

/* ---------------------------------------------------------------- nodes */

/* Writes at most one interval's worth of b through n's disk (a FIFO at write_bandwidth) and
 * takes it off b: a node that fails in a long catch-up write keeps what it wrote. */
static void write_piece(struct storage_node *n, struct storage_batch *b)
{
  const struct storage_conf *c = n->st->conf;
  double bytes = fmin(b->bytes, c->write_bandwidth_Bps * c->interval_s);
  double chunks = b->chunks * bytes / b->bytes;
  double done = fmax(simgrid_get_clock(), n->disk_free_at) + bytes / c->write_bandwidth_Bps;
  n->disk_free_at = done;
  sg_actor_sleep_until(done);
  b->bytes -= bytes;
  b->chunks -= chunks;
  n->chunks_held += chunks;
  if (metrics_in_window(n->st->world->metrics, done))
    n->bytes_written_in_window += bytes;
}

/* Writes what the log writer sends, in order, through its disk. */
void storage_node_actor(int argc, char **argv)
{
  struct storage_node *n = actors_state(argc, argv);
  /* transfers to the start that died fail in its mailbox (and are owed again) */
  n->writes = actors_open_mailbox(&n->starts);
  n->disk_free_at = n->listening_since = simgrid_get_clock();
  if (n->writing) { /* the node failed while writing it: that copy was not made */
    owe_again(n->writing);
    n->writing = NULL;
  }
  for (;;) {
    struct storage_batch *b = actors_receive(n->writes);
    if (!b)
      continue;
    n->writing = b;
    while (b->bytes > 0) /* what is written stays written if the node fails */
      write_piece(n, b);
    n->writing = NULL;
    free(b);
  }
}

/* Answers each read with one chunk, to the sink. */
void storage_read_server_actor(int argc, char **argv)
{
  struct storage_node *n = actors_state(argc, argv);
  struct storage *st = n->st;
  for (;;) {
    struct storage_read *r = actors_receive(n->reads);
    if (!r)
      continue;
    sg_comm_detach(sg_mailbox_put_init(st->sink, r, (long)st->conf->chunk_bytes), free);
    world_count_activity(st->world, 1);
  }
}

/* ---------------------------------------------------------------- reads */

/* The node holding a uniformly drawn written position, the first copy that is up; NULL when
 * none is (the read fails). */
static struct storage_node *holder(struct storage *st)
{
  double p = floor(gsl_rng_uniform(st->rng_reads) * st->log_chunks);
  for (long k = 0; k < st->conf->replicas; k++) {
    struct storage_node *n =
      &st->nodes[storage_node_of(p, k, st->n_nodes, st->conf->replicas)];
    if (node_up(st, n))
      return n;
  }
  return NULL;
}

void storage_reader_actor(int argc, char **argv)
{
  struct storage *st = actors_state(argc, argv);
  double tick = fmin(0.01, 0.1 / st->conf->read_rate_per_s);
  for (;;) {
    sg_actor_sleep_for(tick);
    arrivals_fill(st->reads, simgrid_get_clock());
    double waiting = floor(arrivals_backlog(st->reads) + 1e-9);
    if (waiting < 1 || st->log_chunks < 1)
      continue;
    size_t got = 0;
    arrivals_take(st->reads, waiting, &st->taken, &got, &st->cap_taken);
    for (double i = 0; i < waiting; i++) {
      struct storage_node *n = holder(st);
      if (!n) {
        st->reads_failed++;
        continue;
      }
      struct storage_read *r = malloc(sizeof(*r));
      xbt_assert(r, "out of memory");
      r->started = simgrid_get_clock();
      sg_comm_detach(sg_mailbox_put_init(n->reads, r, (long)STORAGE_READ_REQUEST_BYTES), free);
      world_count_activity(st->world, 1);
    }
  }
}

void storage_sink_actor(int argc, char **argv)
{
  struct storage *st = actors_state(argc, argv);
  sg_mailbox_set_receiver(sg_mailbox_get_name(st->sink));
  for (;;) {
    struct storage_read *r = actors_receive(st->sink);
    if (!r)
      continue;
    double now = simgrid_get_clock();
    if (metrics_in_window(st->world->metrics, now))
      hist_add(st->read_latency, now - r->started, 1);
    free(r);
  }
}

/* ---------------------------------------------------------------- PoRA */

/* The token layer's state, looked up when used: it deploys after this layer (it comes last to
 * replay every event at the end). NULL without a token section: recording is then a no-op. */
static struct token_state *token(const struct storage *st)
{
  return token_layer_state(st->world);
}

void storage_record_fees(struct storage *st)
{
  token_record_fee(token(st), simgrid_get_clock(), TOKEN_REWARD_PORA,
                   st->fees - st->fees_recorded);
  st->fees_recorded = st->fees;
}

/* A valid submission: claims half the released, unclaimed endowment of a random segment.
 * Returns the tokens claimed. */
static double claim(struct storage *st, struct storage_node *n)
{
  size_t s = (size_t)gsl_rng_uniform_int(st->rng_mining, st->n_segments);
  double released = storage_released(st->seg_fee[s], st->seg_start[s], st->conf->lifetime_s,
                                     simgrid_get_clock());
  double pay = (released - st->seg_claimed[s]) / 2;
  st->seg_claimed[s] += pay;
  n->mined += pay;
  st->paid += pay;
  return pay;
}

/* Each period every node up finds Poisson((chunks it holds / log length) x target) valid
 * answers. */
void storage_miner_actor(int argc, char **argv)
{
  struct storage *st = actors_state(argc, argv);
  for (;;) {
    sg_actor_sleep_for(st->conf->mining_period_s);
    double valid = 0, now = simgrid_get_clock();
    struct token_state *tk = token(st);
    storage_record_fees(st); /* the endowment the claims draw on comes before them */
    for (size_t j = 0; j < st->n_nodes && st->log_chunks > 0; j++) {
      struct storage_node *n = &st->nodes[j];
      if (!node_up(st, n))
        continue;
      double mean = fmin(1, n->chunks_held / st->log_chunks) * st->target, mined = 0;
      unsigned found = gsl_ran_poisson(st->rng_mining, mean);
      for (unsigned i = 0; i < found; i++)
        mined += claim(st, n);
      token_record_reward(tk, now, n->provider, TOKEN_REWARD_PORA, mined);
      valid += found;
    }
    if (metrics_in_window(st->world->metrics, now)) {
      st->valid += valid;
      st->periods++;
    }
    st->target = storage_next_target(st->target, valid, st->conf->target_submissions);
  }
}
