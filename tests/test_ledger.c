/* test_ledger.c: the ledger layer against closed forms: its TPS when one link is the
 * bottleneck, its bound, the mempool's arrivals, and validators that fail and come back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "protocols/ledger/ledger.h"
#include "sim/base/rng.h"
#include "sim/engine/arrivals.h"
#include "testutil.h"

/* Two validators on 1 Mbps uplinks (125,000 B/s) with direct dissemination: every block
 * crosses one proposer uplink once, and the offered 400 tx/s of 1,000 B exceed what the link
 * carries, so blocks are full and back to back. TPS must be uplink / tx size = 125 tx/s;
 * signature checks (~40 us a transaction against 8 ms on the link) and the 1 KiB header keep
 * the model within 1% of it. */
static const char link_limited[] =
  "name: link-limited\n"
  "seed: 7\n"
  "duration: 20min\n"
  "warmup: 2min\n"
  "calibration: [gpu/profiles/h100-sxm.yaml]\n"
  "regions: [{name: here, backbone: 10Gbps}]\n"
  "providers:\n"
  "  - {class: val, count: 2, gpu: H100-SXM, gpus_per_node: 1, region: here,\n"
  "     uplink: 1Mbps, downlink: 1Gbps, latency: 1ms}\n"
  "workload: {transactions: {rate: 400/s, size: 1000B}}\n"
  "ledger: {validators: 2, block_time: 100ms, max_block_bytes: 1MB,\n"
  "         dissemination: {kind: direct}, round_timeout: 1h}\n";

static void test_ledger_tps_limited_by_one_link(void **state)
{
  (void)state;
  char *h5 = test_run_text(link_limited, "");
  double tps, backlog;
  assert_int_equal(test_read_summary(h5, "tps", &tps), 0);
  double closed_form = 125000.0 / 1000.0;
  printf("link-limited TPS %.3f, closed form %.3f (%.2f%%)\n", tps, closed_form,
         100 * (tps - closed_form) / closed_form);
  assert_true(fabs(tps - closed_form) / closed_form < 0.02);
  assert_int_equal(test_read_summary(h5, "backlog_final", &backlog), 0);
  assert_true(backlog > 0); /* the offered load exceeded the link */
  free(h5);
}

/* The link-limited chain with 1-second round timeouts: a full 1 MB block needs 8 s on a
 * 1 Mbps uplink, so round 0 always times out. CometBFT lengthens each further round's
 * timeout (round_timeout_delta), so a later round commits; without the delta no round ever
 * would. */
static void test_ledger_rounds_lengthen_until_a_block_fits(void **state)
{
  (void)state;
  const char *fast = "--set ledger.round_timeout=1s --set ledger.round_timeout_delta=1s";
  char *h5 = test_run_text(link_limited, fast);
  double tps, failed;
  assert_int_equal(test_read_summary(h5, "tps", &tps), 0);
  assert_int_equal(test_read_summary(h5, "failed_rounds", &failed), 0);
  printf("1 s rounds growing by 1 s: TPS %.1f, failed rounds %.0f\n", tps, failed);
  assert_true(failed > 0);
  assert_true(tps > 0);
  free(h5);
  h5 = test_run_text(link_limited, "--set ledger.round_timeout=1s "
                                   "--set ledger.round_timeout_delta=0s");
  assert_int_equal(test_read_summary(h5, "tps", &tps), 0);
  assert_float_equal(tps, 0, 0);
  free(h5);
}

/* Four validators that each fail every 3 minutes on average for 20 s: a block needs 3 of
 * them, which holds 0.9^4 + 4 x 0.9^3 x 0.1 = 95% of the time. Each restarted validator must
 * take up its place again (SimGrid restarts it without its actor data): were it lost, a
 * shard would stall for good after its second failure and TPS would fall far below the
 * offered rate. */
static const char failing_validators[] =
  "name: failing-validators\n"
  "seed: 11\n"
  "duration: 30min\n"
  "warmup: 1min\n"
  "calibration: [gpu/profiles/h100-sxm.yaml]\n"
  "regions: [{name: here, backbone: 10Gbps}]\n"
  "providers:\n"
  "  - {class: val, count: 4, gpu: H100-SXM, gpus_per_node: 1, region: here,\n"
  "     uplink: 1Gbps, downlink: 1Gbps, latency: 1ms,\n"
  "     availability: {mtbf: 3min, mttr: 20s}}\n"
  "workload: {transactions: {rate: 100/s, size: 250B}}\n"
  "ledger: {validators: 4, block_time: 1s, max_block_bytes: 1MB, round_timeout: 2s}\n";

static void test_ledger_validators_rejoin_after_failures(void **state)
{
  (void)state;
  char *h5 = test_run_text(failing_validators, "");
  double tps, failed, availability;
  assert_int_equal(test_read_summary(h5, "tps", &tps), 0);
  assert_int_equal(test_read_summary(h5, "failed_rounds", &failed), 0);
  assert_int_equal(test_read_summary(h5, "availability", &availability), 0);
  printf("failing validators: availability %.3f, failed rounds %.0f, TPS %.1f of 100\n",
         availability, failed, tps);
  assert_true(availability < 0.97); /* hosts did fail */
  assert_true(failed > 0);          /* and rounds were lost to it */
  assert_true(tps > 80);            /* yet the backlog drains once validators are back */
  free(h5);
}

/* Gossip along a chain (fan-out 1) of ten validators on 10 Mbps uplinks, each block ~0.4 s
 * on every hop, hosts failing every 2 minutes: some fail while forwarding a block, which
 * SimGrid reports to the receiver as a network error. The run must go on and commit. */
static const char failing_gossip[] =
  "name: failing-gossip\n"
  "seed: 5\n"
  "duration: 20min\n"
  "warmup: 1min\n"
  "calibration: [gpu/profiles/h100-sxm.yaml]\n"
  "regions: [{name: here, backbone: 10Gbps}]\n"
  "providers:\n"
  "  - {class: val, count: 10, gpu: H100-SXM, gpus_per_node: 1, region: here,\n"
  "     uplink: 10Mbps, downlink: 1Gbps, latency: 1ms,\n"
  "     availability: {mtbf: 2min, mttr: 10s}}\n"
  "workload: {transactions: {rate: 2000/s, size: 250B}}\n"
  "ledger: {validators: 10, block_time: 1s, max_block_bytes: 1MB, round_timeout: 10s,\n"
  "         dissemination: {kind: tree, fanout: 1}}\n";

static void test_ledger_gossip_survives_failures_mid_transfer(void **state)
{
  (void)state;
  char *h5 = test_run_text(failing_gossip, "");
  double tps, failed;
  assert_int_equal(test_read_summary(h5, "tps", &tps), 0);
  assert_int_equal(test_read_summary(h5, "failed_rounds", &failed), 0);
  printf("failing gossip chain: failed rounds %.0f, TPS %.1f of 2000\n", failed, tps);
  assert_true(failed > 0);
  assert_true(tps > 0);
  free(h5);
}

/* A chain (gossip fan-out 1) of five validators on 10 Mbps uplinks, every validator needed
 * (quorum 1), blocks of about 1,000 x 250 B + 1 KiB header = B every second. Whole blocks go
 * store-and-forward: 4 hops of B / uplink + 2 ms (up- and downlink latency). In 16 parts a
 * relay forwards each part as it arrives, so the last validator has the block about one
 * block time plus three part times after the proposal; a relay's uplink also carries the
 * acknowledgements of what it receives (SimGrid's cross-traffic, 5%), so it forwards at 95%
 * of the uplink. */
static const char gossip_chain[] =
  "name: gossip-chain\n"
  "seed: 3\n"
  "duration: 5min\n"
  "warmup: 30s\n"
  "calibration: [gpu/profiles/h100-sxm.yaml]\n"
  "regions: [{name: here, backbone: 100Gbps}]\n"
  "providers:\n"
  "  - {class: val, count: 5, gpu: H100-SXM, gpus_per_node: 1, region: here,\n"
  "     uplink: 10Mbps, downlink: 1Gbps, latency: 1ms}\n"
  "workload: {transactions: {rate: 1000/s, size: 250B}}\n"
  "ledger: {validators: 5, block_time: 1s, max_block_bytes: 1MB, quorum: 1,\n"
  "         dissemination: {kind: tree, fanout: 1}}\n";

static double chain_propagation(const char *part_size)
{
  char *extra = NULL;
  assert_true(asprintf(&extra, "--set ledger.dissemination.part_size=%s", part_size) > 0);
  char *h5 = test_run_text(gossip_chain, extra);
  double p50;
  assert_int_equal(test_read_summary(h5, "block_propagation_p50", &p50), 0);
  free(h5);
  free(extra);
  return p50;
}

static void test_ledger_gossip_pipelines_block_parts(void **state)
{
  (void)state;
  double block = 1024 + 1000 * 250.0, uplink = 10e6 / 8, hop_latency = 0.002, hops = 4;
  double whole = chain_propagation("1MB"), parts = chain_propagation("16KiB");
  double store_and_forward = hops * (block / uplink + hop_latency);
  double part = block / 16, relay = 0.95 * uplink;
  double pipelined = block / relay + (hops - 1) * part / relay + hops * hop_latency;
  printf("chain of 5: whole blocks %.4f s (closed form %.4f), 16 parts %.4f s (%.4f)\n", whole,
         store_and_forward, parts, pipelined);
  assert_true(fabs(whole - store_and_forward) / store_and_forward < 0.02);
  assert_true(fabs(parts - pipelined) / pipelined < 0.05);
}

static void test_ledger_bound_takes_the_tighter_limit(void **state)
{
  (void)state;
  struct ledger_conf c = {.validators = 4, .block_time_s = 0.5, .max_block_bytes = 1024 + 1000 * 250,
                          .dissemination = LEDGER_DIRECT, .fanout = 8, .quorum = 2.0 / 3,
                          .shards = 1, .tx_bytes = 250};
  /* Block capacity: 1,000 tx / 0.5 s = 2,000 tx/s. Uplinks of 1e6 B/s, 3 copies:
   * 1e6 / (3 x 250) = 1,333.3 tx/s, the tighter. */
  double uplinks[4] = {1e6, 1e6, 1e6, 1e6};
  assert_float_equal(ledger_tps_bound(&c, uplinks, 4), 1e6 / 750, 1e-9);
  /* Rotation over unequal uplinks: harmonic mean. 1/(3 x 250 x mean(1/1e6, 1/1e6, 1/1e6, 1/2.5e5)) */
  double mixed[4] = {1e6, 1e6, 1e6, 2.5e5};
  double mean_inverse = (3 / 1e6 + 1 / 2.5e5) / 4;
  assert_float_equal(ledger_tps_bound(&c, mixed, 4), 1 / (750 * mean_inverse), 1e-9);
  /* Gossip with fan-out 2 sends 2 copies; fast links leave the block capacity. */
  c.dissemination = LEDGER_TREE;
  c.fanout = 2;
  double fast[4] = {1e9, 1e9, 1e9, 1e9};
  assert_float_equal(ledger_tps_bound(&c, fast, 4), 2000, 1e-9);
  c.shards = 3;
  assert_float_equal(ledger_tps_bound(&c, fast, 4), 6000, 1e-9);
}

static void test_ledger_mempool_arrivals_are_poisson(void **state)
{
  (void)state;
  gsl_rng *rng = rng_stream(1, "test", 0);
  arrivals_t *m = arrivals_new(1000, 0.01, rng);
  arrivals_fill(m, 1000);
  /* 1e6 expected arrivals: Poisson standard deviation 1000, so 5 sigma is 0.5%. */
  assert_true(fabs(arrivals_arrived(m) - 1e6) < 5000);
  assert_float_equal(arrivals_backlog(m), arrivals_arrived(m), 1e-6);
  arrivals_free(m);
  gsl_rng_free(rng);
}

static void test_ledger_mempool_take_and_return_keep_fifo_order(void **state)
{
  (void)state;
  gsl_rng *rng = rng_stream(2, "test", 0);
  arrivals_t *m = arrivals_new(100, 0.1, rng);
  arrivals_fill(m, 10);
  double before = arrivals_backlog(m);
  struct arrival_batch *b = NULL;
  size_t n = 0, cap = 0;
  double taken = arrivals_take(m, 150, &b, &n, &cap);
  assert_float_equal(taken, 150, 1e-9);
  assert_float_equal(arrivals_backlog(m), before - 150, 1e-9);
  for (size_t i = 1; i < n; i++)
    assert_true(b[i].arrival >= b[i - 1].arrival);
  double first = b[0].arrival;
  arrivals_return(m, b, n);
  assert_float_equal(arrivals_backlog(m), before, 1e-9);
  size_t n2 = 0;
  arrivals_take(m, 1, &b, &n2, &cap);
  assert_float_equal(b[0].arrival, first, 0); /* the oldest comes out first again */
  free(b);
  arrivals_free(m);
  gsl_rng_free(rng);
}


/* The TCP window caps a flow at window / round trip: 250 B over the 4 ms round trip of two
 * 1 ms access links is 62,500 B/s, half the uplink, so TPS halves (network.tcp_window). */
static void test_ledger_tcp_window_caps_a_flow(void **state)
{
  (void)state;
  char *h5 = test_run_text(link_limited, "--set network.tcp_window=250B");
  double tps;
  assert_int_equal(test_read_summary(h5, "tps", &tps), 0);
  printf("window-limited TPS %.3f, closed form 62.5\n", tps);
  assert_rel(tps, 62.5, 0.02);
  free(h5);
}

/* Over the mesh, two validators are one connection: a block still crosses the proposer's
 * uplink once (flood and parts alike), so TPS is again uplink / tx size; every block reaches
 * both nodes, so the reach times are recorded. */
static void test_ledger_mesh_two_validators_match_the_link(void **state)
{
  (void)state;
  const char *kinds[] = {"'ledger.dissemination={kind: flood}'",
                         "'ledger.dissemination={kind: parts}'"};
  for (int k = 0; k < 2; k++) {
    char *extra = NULL;
    assert_true(asprintf(&extra, "--set %s", kinds[k]) > 0);
    char *h5 = test_run_text(link_limited, extra);
    double tps, reach;
    assert_int_equal(test_read_summary(h5, "tps", &tps), 0);
    printf("mesh %s: TPS %.3f, closed form 125\n", kinds[k], tps);
    assert_rel(tps, 125, 0.02);
    assert_int_equal(test_read_summary(h5, "block_reach_100_p50", &reach), 0);
    assert_true(reach > 7.9 && reach < 8.5); /* a full 1 MB block: 8 s on 125,000 B/s */
    free(h5);
    free(extra);
  }
}

/* Full nodes join the overlay (3 outbound peers each here): blocks reach the 12 nodes over
 * several 8-second hops of 1 Mbps uplinks, so half of them hold a block well before all do. */
static void test_ledger_full_nodes_are_reached(void **state)
{
  (void)state;
  const char *extra = "--set providers.val.count=12 --set ledger.full_nodes=10 "
                      "--set 'ledger.dissemination={kind: announce}' "
                      "--set 'network={overlay: {outbound: 3}}'";
  char *h5 = test_run_text(link_limited, extra);
  double tps, reach50, reach100;
  assert_int_equal(test_read_summary(h5, "tps", &tps), 0);
  assert_int_equal(test_read_summary(h5, "block_reach_50_p50", &reach50), 0);
  assert_int_equal(test_read_summary(h5, "block_reach_100_p50", &reach100), 0);
  printf("with 10 full nodes: TPS %.3f, reach 50%% %.3f s, 100%% %.3f s\n", tps, reach50,
         reach100);
  assert_true(reach50 > 0 && reach100 > reach50);
  free(h5);
}

/* Signature checks split over a validator's cores: four validators on fast links offered more
 * than one core checks (the H100 profile's CPU: 16,881 Ed25519 verifications a second) commit
 * about that rate, and twice as much on two cores. */
static const char check_limited[] =
  "name: check-limited\n"
  "seed: 3\n"
  "duration: 2min\n"
  "warmup: 20s\n"
  "calibration: [gpu/profiles/h100-sxm.yaml]\n"
  "regions: [{name: here, backbone: 1Tbps}]\n"
  "providers:\n"
  "  - {class: val, count: 4, gpu: H100-SXM, region: here, uplink: 100Gbps,\n"
  "     downlink: 100Gbps, latency: 100us}\n"
  "workload: {transactions: {rate: 60000/s, size: 100B}}\n"
  "ledger: {validators: 4, block_time: 50ms, max_block_bytes: 500KB,\n"
  "         dissemination: {kind: parts}}\n";

static void test_ledger_checks_run_on_every_core(void **state)
{
  (void)state;
  char *one = test_run_text(check_limited, "");
  char *two = test_run_text(check_limited, "--set providers.val.cpu_cores=2");
  double tps1, tps2;
  assert_int_equal(test_read_summary(one, "tps", &tps1), 0);
  assert_int_equal(test_read_summary(two, "tps", &tps2), 0);
  printf("check-limited TPS: 1 core %.0f, 2 cores %.0f (one core checks 16,881/s)\n", tps1,
         tps2);
  assert_true(tps1 <= 16881 && tps1 > 0.85 * 16881);
  assert_rel(tps2 / tps1, 2, 0.05);
  free(one);
  free(two);
}

/* Four validators, all connected, 10 ms access links (20 ms a hop), fast uplinks, tiny blocks:
 * a height is the block's hop, the checks, then one vote hop to the proposer (votes: direct),
 * or a prevote hop and a precommit hop (votes: gossip): the height takes one hop longer,
 * 20 ms plus the vote's bytes. */
static const char vote_rounds[] =
  "name: vote-rounds\n"
  "seed: 5\n"
  "duration: 2min\n"
  "warmup: 10s\n"
  "calibration: [gpu/profiles/h100-sxm.yaml]\n"
  "regions: [{name: here, backbone: 1Tbps}]\n"
  "providers:\n"
  "  - {class: val, count: 4, gpu: H100-SXM, region: here, uplink: 10Gbps,\n"
  "     downlink: 10Gbps, latency: 10ms}\n"
  "network: {overlay: {outbound: 3}}\n"
  "workload: {transactions: {rate: 100/s, size: 100B}}\n"
  "ledger: {validators: 4, block_time: 1ms, dissemination: {kind: flood}}\n";

static void test_ledger_two_vote_rounds_add_a_hop(void **state)
{
  (void)state;
  char *one = test_run_text(vote_rounds, "");
  char *two = test_run_text(vote_rounds, "--set ledger.votes=gossip");
  double direct, gossip;
  assert_int_equal(test_read_summary(one, "block_interval", &direct), 0);
  assert_int_equal(test_read_summary(two, "block_interval", &gossip), 0);
  double hop = 0.020 + 164 / 1.25e9;
  printf("height: votes direct %.6f s, gossip %.6f s (one hop more: %.6f s)\n", direct, gossip,
         hop);
  assert_rel(gossip - direct, hop, 0.05);
  free(one);
  free(two);
}

/* Checks at mempool entry (CometBFT's CheckTx) take the signatures off the block's critical
 * path: the check-limited chain then commits what is offered (60,000 tx/s). */
static void test_ledger_mempool_checks_leave_the_critical_path(void **state)
{
  (void)state;
  char *h5 = test_run_text(check_limited, "--set ledger.mempool.checks=mempool");
  double tps;
  assert_int_equal(test_read_summary(h5, "tps", &tps), 0);
  printf("checks at mempool entry: TPS %.0f of 60,000 offered\n", tps);
  assert_rel(tps, 60000, 0.02);
  free(h5);
}

/* Gossiped transactions: between two validators each batch crosses the one connection once,
 * so the mempool uploads exactly a transaction's bytes per transaction. */
static void test_ledger_mempool_gossip_bytes(void **state)
{
  (void)state;
  char *h5 = test_run_text(check_limited, "--set providers.val.count=2 "
                                          "--set ledger.validators=2 "
                                          "--set ledger.mempool.gossip=true");
  double bytes, dup, tps;
  assert_int_equal(test_read_summary(h5, "mempool_bytes_per_tx", &bytes), 0);
  assert_int_equal(test_read_summary(h5, "mempool_duplicate_share", &dup), 0);
  assert_int_equal(test_read_summary(h5, "tps", &tps), 0);
  printf("mempool gossip between two: %.3f B a transaction, duplicates %.3f, TPS %.0f\n", bytes,
         dup, tps);
  assert_double_equal(bytes, 100, 1e-9);
  assert_double_equal(dup, 0, 0);
  assert_true(tps > 0.85 * 16881); /* still check-limited */
  free(h5);
}

/* Two validators 400 ms apart (200 ms access links): a batch that enters at the one not
 * proposing reaches the proposer 0.4 s later, and only then can go into a block. With the
 * mempool gossiped, commit latency grows by at least half that delay (half the batches enter
 * at the proposer) and at most the delay and one height more; TPS does not change. */
static const char far_apart[] =
  "name: far-apart\n"
  "seed: 9\n"
  "duration: 3min\n"
  "warmup: 20s\n"
  "calibration: [gpu/profiles/h100-sxm.yaml]\n"
  "regions: [{name: here, backbone: 1Tbps}]\n"
  "providers:\n"
  "  - {class: val, count: 2, gpu: H100-SXM, region: here, uplink: 10Gbps, downlink: 10Gbps,\n"
  "     latency: 200ms}\n"
  "workload: {transactions: {rate: 1000/s, size: 100B}}\n"
  "ledger: {validators: 2, block_time: 100ms, dissemination: {kind: flood},\n"
  "         round_timeout: 10s}\n";

static void test_ledger_proposers_include_what_reached_them(void **state)
{
  (void)state;
  char *plain = test_run_text(far_apart, "");
  char *gossip = test_run_text(far_apart, "--set ledger.mempool.gossip=true");
  double p0 = test_summary(plain, "commit_latency_p50"), p1 = test_summary(gossip,
                                                                           "commit_latency_p50");
  double height = test_summary(plain, "block_interval");
  printf("commit latency p50: %.3f s without mempool gossip, %.3f s with (height %.3f s)\n", p0,
         p1, height);
  assert_true(p1 - p0 >= 0.2 && p1 - p0 <= 0.4 + height);
  assert_rel(test_summary(gossip, "tps"), test_summary(plain, "tps"), 0.01);
  free(plain);
  free(gossip);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_ledger_bound_takes_the_tighter_limit),
    cmocka_unit_test(test_ledger_mempool_arrivals_are_poisson),
    cmocka_unit_test(test_ledger_mempool_take_and_return_keep_fifo_order),
    cmocka_unit_test(test_ledger_tps_limited_by_one_link),
    cmocka_unit_test(test_ledger_tcp_window_caps_a_flow),
    cmocka_unit_test(test_ledger_mesh_two_validators_match_the_link),
    cmocka_unit_test(test_ledger_full_nodes_are_reached),
    cmocka_unit_test(test_ledger_checks_run_on_every_core),
    cmocka_unit_test(test_ledger_two_vote_rounds_add_a_hop),
    cmocka_unit_test(test_ledger_mempool_checks_leave_the_critical_path),
    cmocka_unit_test(test_ledger_mempool_gossip_bytes),
    cmocka_unit_test(test_ledger_proposers_include_what_reached_them),
    cmocka_unit_test(test_ledger_rounds_lengthen_until_a_block_fits),
    cmocka_unit_test(test_ledger_gossip_pipelines_block_parts),
    cmocka_unit_test(test_ledger_validators_rejoin_after_failures),
    cmocka_unit_test(test_ledger_gossip_survives_failures_mid_transfer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
