/* test_da.c: the DA layer: real erasure coding on small instances (any k of n rows rebuild a
 * blob, k - 1 do not), quorum formation on a hand example, the 2/3 acceptance edge, the range
 * frontier, PoDAS detection against its closed form, and whole runs through the depinsim
 * binary: dispersal time against its closed form, and the aggregate grain against per-slice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "protocols/da/coding.h"
#include "protocols/da/da.h"
#include "protocols/da/frontier.h"
#include "protocols/da/quorum.h"
#include "protocols/da/sampling.h"
#include "sim/base/diag.h"
#include "sim/base/rng.h"
#include "sim/scenario/scenario.h"
#include "testutil.h"
#include "sim/cli/registry.h"

static unsigned char *random_bytes(gsl_rng *rng, size_t n)
{
  unsigned char *p = malloc(n);
  assert_non_null(p);
  for (size_t i = 0; i < n; i++)
    p[i] = (unsigned char)gsl_rng_uniform_int(rng, 256);
  return p;
}

/* Decodes with exactly the rows in mask and checks the blob comes back. */
static void assert_rebuilds(coding_blob_t *b, const bool *present, const unsigned char *data,
                            size_t len)
{
  void *out = NULL;
  size_t out_len = 0;
  assert_int_equal(coding_decode(b, present, &out, &out_len), DEPIN_OK);
  assert_int_equal(out_len, len);
  assert_memory_equal(out, data, len);
  free(out);
}

/* 4-of-12 (0G's rate 1/3): every one of the C(12, 4) = 495 four-row subsets rebuilds. */
static void test_da_erasure_every_k_subset_rebuilds(void **state)
{
  (void)state;
  gsl_rng *rng = rng_stream(3, "test-da", 0);
  size_t len = 1001;
  unsigned char *data = random_bytes(rng, len);
  coding_blob_t *b = coding_encode(data, len, 4, 12);
  assert_non_null(b);
  assert_int_equal(coding_row_bytes(b), (len + 4 + 3) / 4);
  int subsets = 0;
  for (unsigned mask = 0; mask < (1u << 12); mask++) {
    if (__builtin_popcount(mask) != 4)
      continue;
    bool present[12];
    for (int i = 0; i < 12; i++)
      present[i] = mask >> i & 1;
    assert_rebuilds(b, present, data, len);
    subsets++;
  }
  assert_int_equal(subsets, 495);
  coding_blob_free(b);
  free(data);
  gsl_rng_free(rng);
}

/* 85-of-255, the largest rate-1/3 code in GF(2^8): random 85-row subsets rebuild, 84 rows are
 * refused, and 84 rows do not determine the blob: two different blobs share them. */
static void test_da_erasure_k_minus_one_rows_do_not(void **state)
{
  (void)state;
  gsl_rng *rng = rng_stream(4, "test-da", 0);
  const int k = 85, n = 255;
  size_t len = 85 * 64 - 4;
  unsigned char *data = random_bytes(rng, len);
  coding_blob_t *b = coding_encode(data, len, k, n);
  assert_non_null(b);
  int order[255];
  for (int i = 0; i < n; i++)
    order[i] = i;
  for (int trial = 0; trial < 20; trial++) {
    gsl_ran_shuffle(rng, order, n, sizeof(int));
    bool present[255] = {false};
    for (int i = 0; i < k; i++)
      present[order[i]] = true;
    assert_rebuilds(b, present, data, len);
    present[order[0]] = false; /* k - 1 rows */
    void *out = NULL;
    size_t out_len = 0;
    assert_int_equal(coding_decode(b, present, &out, &out_len), DEPIN_EINVAL);
    assert_null(out);
  }
  /* A second blob equal to the first but in its last data byte: the code is systematic, so it
   * agrees with the first on the 84 data rows before the last one, which therefore cannot tell
   * them apart; its full row set differs (it is another codeword). */
  unsigned char *other = malloc(len);
  memcpy(other, data, len);
  size_t last_row_start = (size_t)(k - 1) * coding_row_bytes(b);
  other[last_row_start] ^= 0x5a;
  coding_blob_t *c = coding_encode(other, len, k, n);
  for (int i = 0; i < k - 1; i++)
    assert_memory_equal(coding_row(b, i), coding_row(c, i), coding_row_bytes(b));
  int differing = 0;
  for (int i = k - 1; i < n; i++)
    differing += memcmp(coding_row(b, i), coding_row(c, i), coding_row_bytes(b)) != 0;
  assert_int_equal(differing, n - k + 1); /* MDS: every other row differs */
  coding_blob_free(c);
  free(other);
  coding_blob_free(b);
  free(data);
  gsl_rng_free(rng);
}

/* A damaged row taken as present corrupts the result; marked absent, it is rebuilt. */
static void test_da_erasure_lost_rows_are_rebuilt(void **state)
{
  (void)state;
  gsl_rng *rng = rng_stream(5, "test-da", 0);
  size_t len = 4000;
  unsigned char *data = random_bytes(rng, len);
  coding_blob_t *b = coding_encode(data, len, 4, 12);
  bool present[12];
  for (int i = 0; i < 12; i++)
    present[i] = i >= 8; /* parity only */
  memset(coding_row(b, 0), 0, coding_row_bytes(b)); /* lost data row, not used */
  assert_rebuilds(b, present, data, len);
  coding_blob_free(b);
  free(data);
  gsl_rng_free(rng);
}

/* Stakes 35, 20, 100,000 and 9 tokens at 10 tokens a vote, at most 4 votes: 3, 2, 4 and 0
 * votes. One quorum of 9 slots takes every vote, so the slot counts are exactly the votes;
 * quorums of 3 slots (at most 2) use 6 of the 9 votes. */
static void test_da_quorum_slots_follow_votes(void **state)
{
  (void)state;
  double stake[4] = {35, 20, 100000, 9};
  assert_int_equal(quorum_votes(35, 10, 4), 3);
  assert_int_equal(quorum_votes(100000, 10, 4), 4);
  assert_int_equal(quorum_votes(9, 10, 4), 0);
  da_quorums_t *q = quorum_form(stake, 4, 10, 4, 9, 10, 42, 0);
  assert_non_null(q);
  assert_int_equal(quorum_count(q), 1);
  assert_int_equal(quorum_total_votes(q), 9);
  long expect[4] = {3, 2, 4, 0};
  for (size_t i = 0; i < 4; i++)
    assert_int_equal(quorum_signer_slots(q, 0, i), expect[i]);
  long seen[4] = {0};
  for (long s = 0; s < 9; s++)
    seen[quorum_slot_signer(q, 0, s)]++;
  assert_memory_equal(seen, expect, sizeof(seen));
  quorum_free(q);

  q = quorum_form(stake, 4, 10, 4, 3, 2, 42, 0);
  assert_int_equal(quorum_count(q), 2); /* 9 votes make 3 quorums of 3, capped at 2 */
  long used = 0;
  for (size_t k = 0; k < 2; k++)
    for (size_t i = 0; i < 4; i++) {
      assert_true(quorum_signer_slots(q, k, i) <= expect[i]);
      used += quorum_signer_slots(q, k, i);
    }
  assert_int_equal(used, 6);
  quorum_free(q);

  /* 0G's defaults: 3,072 signers of 10,240 tokens each hit the 1,024-vote cap; 10 quorums. */
  double *big = malloc(3072 * sizeof(double));
  for (int i = 0; i < 3072; i++)
    big[i] = 20480;
  q = quorum_form(big, 3072, 10, 1024, 3072, 10, 1, 0);
  assert_int_equal(quorum_total_votes(q), 3072L * 1024);
  assert_int_equal(quorum_count(q), 10);
  quorum_free(q);
  free(big);
}

/* The same seed and epoch give the same slots; another epoch reshuffles them. */
static void test_da_quorum_shuffle_is_per_epoch(void **state)
{
  (void)state;
  double stake[64];
  for (int i = 0; i < 64; i++)
    stake[i] = 10.0 * (1 + i % 7);
  da_quorums_t *a = quorum_form(stake, 64, 10, 1024, 100, 10, 9, 0);
  da_quorums_t *b = quorum_form(stake, 64, 10, 1024, 100, 10, 9, 0);
  da_quorums_t *c = quorum_form(stake, 64, 10, 1024, 100, 10, 9, 1);
  int same = 0, moved = 0;
  for (long s = 0; s < 100; s++) {
    same += quorum_slot_signer(a, 0, s) == quorum_slot_signer(b, 0, s);
    moved += quorum_slot_signer(a, 0, s) != quorum_slot_signer(c, 0, s);
  }
  assert_int_equal(same, 100);
  assert_true(moved > 50);
  quorum_free(a);
  quorum_free(b);
  quorum_free(c);
}

/* 2,047 of 3,072 slots do not accept a blob; 2,048 do, by the rule and through the frontier. */
static void test_da_accept_edge_2047_vs_2048(void **state)
{
  (void)state;
  struct da_conf c = {.quorum_slots = 3072, .accept_fraction = 2.0 / 3.0};
  assert_int_equal(da_accept_threshold(&c), 2048);
  assert_false(da_accepted(&c, 2047));
  assert_true(da_accepted(&c, 2048));
  frontier_t *f = frontier_new(da_accept_threshold(&c));
  frontier_cover(f, 0, 1, 2000);
  frontier_cover(f, 0, 1, 47);
  assert_int_equal(frontier_advance(f, 1), 0);
  assert_int_equal(frontier_head_cover(f), 2047);
  frontier_cover(f, 0, 1, 1);
  assert_int_equal(frontier_advance(f, 1), 1);
  assert_int_equal(frontier_position(f), 1);
  frontier_free(f);
}

/* Ranges: three nodes of 1 slot, threshold 2. Node A holds [0, 10), B [0, 4) then [6, 10)
 * (down for blobs 4 and 5), C [5, 10). Blob 4 has A only: the frontier stops there until it
 * is skipped; then 5 (A, C) and 6..9 (A, B, C) pass. */
static void test_da_frontier_counts_ranges(void **state)
{
  (void)state;
  frontier_t *f = frontier_new(2);
  frontier_cover(f, 0, 10, 1);
  frontier_cover(f, 0, 4, 1);
  frontier_cover(f, 6, 10, 1);
  frontier_cover(f, 5, 10, 1);
  assert_int_equal(frontier_advance(f, 10), 4);
  assert_int_equal(frontier_head_cover(f), 1);
  frontier_skip(f);
  assert_int_equal(frontier_advance(f, 8), 3); /* only 8 dispersed so far */
  assert_int_equal(frontier_advance(f, 10), 2);
  assert_int_equal(frontier_head_cover(f), 0);
  /* Far ranges grow the buckets and late ranges are ignored. */
  frontier_cover(f, 3, 5, 7);
  frontier_cover(f, 100000, 100001, 2);
  frontier_cover(f, 10, 100000, 2);
  assert_int_equal(frontier_advance(f, 200000), 100001 - 10);
  frontier_free(f);
}

/* 0G's geometry: the largest blob is 31 x 1024 x 1024 - 4 bytes and fills 32 KiB rows. */
static void test_da_geometry_matches_0g(void **state)
{
  (void)state;
  struct da_conf c = {.quorum_slots = 3072, .data_rows = 1024, .rows = 3072,
                      .row_bytes = 32768, .accept_fraction = 2.0 / 3};
  assert_float_equal(da_max_blob_bytes(&c), 32505852, 0);
  assert_float_equal(da_row_bytes(&c, 32505852), 32768, 0);
  assert_float_equal(da_row_bytes(&c, 31744 - 4), 32, 0); /* one element a row */
  /* commitment 64 + aggregate signature 64 + 384-byte bitmap + 136 */
  assert_float_equal(da_publish_bytes(&c), 648, 0);
  assert_float_equal(da_dispersal_seconds(32768, 3072, 1.25e9, 0.002),
                     32768.0 * 3072 / 1.25e9 + 0.002, 1e-12);
}

/* A node missing a fraction m of its rows fails n uniform challenges with probability
 * 1 - (1 - m)^n: 20,000 simulated nodes against the closed form, within 3 standard errors. */
static void test_da_sampling_detection_matches_closed_form(void **state)
{
  (void)state;
  gsl_rng *rng = rng_stream(8, "test-da", 0);
  const double owed = 3072, trials = 20000;
  const double missing_rows[] = {1, 31, 307};
  for (size_t k = 0; k < 3; k++) {
    for (int samples = 1; samples <= 64; samples *= 8) {
      double caught = 0;
      for (int t = 0; t < trials; t++) {
        bool hit = false;
        for (int j = 0; j < samples && !hit; j++)
          hit = !sampling_challenge(rng, owed, owed - missing_rows[k]);
        caught += hit;
      }
      double p = sampling_detect_probability(missing_rows[k] / owed, samples);
      double se = sqrt(p * (1 - p) / trials);
      assert_double_equal(caught / trials, p, 3 * se + 1e-9);
    }
  }
  assert_double_equal(sampling_detect_probability(1.0 / 3072, 1), 1.0 / 3072, 1e-15);
  assert_double_equal(sampling_detect_probability(0, 50), 0, 0);
  gsl_rng_free(rng);
}

/* One submitter on a 100 Mbps uplink disperses a 96-row quorum; the nodes' links are 10x
 * faster, so the uplink is the bottleneck. The scenario text is shared by the whole-run tests. */
static const char *const dispersal_yaml =
  "name: da-dispersal\n"
  "seed: 5\n"
  "duration: 4min\n"
  "warmup: 20s\n"
  "sample_interval: 10s\n"
  "calibration: [gpu/profiles/h100-sxm.yaml, gpu/profiles/rtx-4090.yaml]\n"
  "regions:\n"
  "  - {name: r, backbone: 400Gbps}\n"
  "providers:\n"
  "  - {class: submitter, count: 1, gpu: H100-SXM, region: r, uplink: 100Mbps,\n"
  "     downlink: 10Gbps, latency: 1ms, stake: 0}\n"
  "  - {class: da-node, count: 96, gpu: RTX-4090, region: r, uplink: 1Gbps, downlink: 1Gbps,\n"
  "     latency: 1ms, stake: 10}\n"
  "workload:\n"
  "  blobs: {rate: 1/s, size: 1015804B}\n"
  "da:\n"
  "  quorum_slots: 96\n"
  "  coding: {data_rows: 32, rows: 96, row_bytes: 32KiB}\n"
  "  submitters: submitter\n"
  "  dispersal_interval: 0s\n"
  "  write_bandwidth: 1GB/s\n";

/* Runs the dispersal scenario at a grain with extra --set arguments; returns the run file. */
static char *dispersal_run(const char *dir, const char *grain, const char *extra)
{
  char *yaml = test_write_file(dir, "da.yaml", dispersal_yaml), *args = NULL, *h5 = NULL;
  assert_true(asprintf(&args, "run -q %s -o %s/%s --set da.dispersal_grain=%s %s", yaml, dir,
                       grain, grain, extra) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 0);
  assert_true(asprintf(&h5, "%s/%s/run.h5", dir, grain) > 0);
  free(args);
  free(yaml);
  return h5;
}

/* Per-slice: first row out to last row in, against rows x row bytes / uplink + latency (two
 * 1 ms links each way), within 2%. At 1 blob/s a dispersal (0.25 s) rarely meets another. */
static void test_da_dispersal_matches_closed_form(void **state)
{
  (void)state;
  char *dir = test_tmpdir();
  char *h5 = dispersal_run(dir, "per-slice", "");
  double expect = da_dispersal_seconds(32768, 96, 100e6 / 8, 0.002);
  assert_double_equal(test_summary(h5, "dispersal_p50"), expect, 0.02 * expect);
  free(h5);
  free(dir);
}

/* The aggregate grain against per-slice on the same small quorum: throughput and time to
 * acceptance (p50, p99) within 2%. */
static void test_da_aggregate_grain_agrees_with_per_slice(void **state)
{
  (void)state;
  char *dir = test_tmpdir();
  const char *load = "--set workload.blobs.rate=3/s";
  char *slice = dispersal_run(dir, "per-slice", load), *agg = dispersal_run(dir, "aggregate", load);
  const char *metrics[] = {"da_throughput", "blob_acceptance_p50", "blob_acceptance_p99"};
  for (size_t i = 0; i < 3; i++) {
    double a = test_summary(agg, metrics[i]), b = test_summary(slice, metrics[i]);
    printf("%s: aggregate %.6g, per-slice %.6g\n", metrics[i], a, b);
    assert_true(b > 0);
    assert_double_equal(a, b, 0.02 * b);
  }
  free(slice);
  free(agg);
  free(dir);
}

/* One double column of a table (a compound dataset) of a run file; *n rows. Owned (free()). */
static double *read_column(const char *h5, const char *table, const char *column, size_t *n)
{
  hid_t file = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(file >= 0);
  hid_t set = H5Dopen2(file, table, H5P_DEFAULT);
  assert_true(set >= 0);
  hid_t space = H5Dget_space(set);
  hsize_t rows = 0;
  H5Sget_simple_extent_dims(space, &rows, NULL);
  hid_t type = H5Tcreate(H5T_COMPOUND, sizeof(double));
  H5Tinsert(type, column, 0, H5T_NATIVE_DOUBLE);
  double *v = calloc(rows + 1, sizeof(double));
  assert_true(H5Dread(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
  H5Tclose(type);
  H5Sclose(space);
  H5Dclose(set);
  H5Fclose(file);
  *n = (size_t)rows;
  return v;
}

/* The publishing lane through ledger_submit and ledger_ticket_committed_at: with a lightly
 * loaded 4-validator ledger, each blob is accepted exactly when the first block proposed after
 * its aggregation commits (the mempool is FIFO and no block fills up). */
static void test_da_publishing_lane_commits_with_the_next_block(void **state)
{
  (void)state;
  char *dir = test_tmpdir(), *text = NULL;
  assert_true(asprintf(&text, "%s"
                       "  signers: [da-node]\n"
                       "ledger: {validators: 4, block_time: 500ms}\n", dispersal_yaml) > 0);
  /* a validator class and a transaction load for the ledger */
  char *p = strstr(text, "workload:\n");
  assert_non_null(p);
  char *full = NULL;
  assert_true(asprintf(&full, "%.*s  - {class: validator, count: 4, gpu: H100-SXM, region: r, "
                       "uplink: 10Gbps, downlink: 10Gbps, latency: 1ms, stake: 16000}\n"
                       "workload:\n  transactions: {rate: 100/s, size: 250B}\n%s",
                       (int)(p - text), text, p + strlen("workload:\n")) > 0);
  char *yaml = test_write_file(dir, "ledger.yaml", full), *args = NULL, *h5 = NULL;
  assert_true(asprintf(&args, "run -q %s -o %s --set duration=1min --set warmup=10s "
                       "--set da.dispersal_grain=per-slice", yaml, dir) > 0);
  assert_int_equal(test_run_depinsim(args, NULL), 0);
  assert_true(asprintf(&h5, "%s/run.h5", dir) > 0);
  size_t nb = 0, nk = 0, np = 0;
  double *aggregated = read_column(h5, "/blobs", "aggregated", &nb);
  double *accepted = read_column(h5, "/blobs", "accepted", &nb);
  double *proposed = read_column(h5, "/blocks", "proposed", &np);
  double *committed = read_column(h5, "/blocks", "committed", &nk);
  assert_true(nb > 30);
  size_t checked = 0;
  for (size_t i = 0; i < nb; i++) {
    if (accepted[i] < 0)
      continue; /* its block had not committed when the run ended */
    double expect = -1;
    for (size_t k = 0; k < nk && expect < 0; k++)
      if (proposed[k] > aggregated[i] && committed[k] >= 0)
        expect = committed[k];
    assert_double_equal(accepted[i], expect, 1e-9);
    assert_true(accepted[i] - aggregated[i] < 2.0);
    checked++;
  }
  assert_true(checked > 30);
  free(aggregated); free(accepted); free(proposed); free(committed);
  free(h5); free(args); free(yaml); free(full); free(text); free(dir);
}

/* Nodes that fail shrink the signing quorum: with 30% of the 96 nodes down on average (MTBF
 * 28 min, MTTR 12 min) the up count often falls below 64, blobs are dispersed again after
 * retry_timeout (30 s) and the slow ones wait past it; without failures nothing is retried. */
static void test_da_failures_force_retries(void **state)
{
  (void)state;
  char *dir = test_tmpdir();
  char *calm = dispersal_run(dir, "per-slice", "");
  assert_double_equal(test_summary(calm, "blobs_retried"), 0, 0);
  assert_true(test_summary(calm, "blob_acceptance_p99") < 1);
  const char *grains[] = {"per-slice", "aggregate"};
  for (size_t i = 0; i < 2; i++) {
    char *sub = test_tmpdir();
    char *h5 = dispersal_run(sub, grains[i], "--set 'providers.da-node.availability={mtbf: "
                                            "28min, mttr: 12min}'");
    printf("%s: retried %.0f, acceptance p99 %.1f s\n", grains[i],
           test_summary(h5, "blobs_retried"), test_summary(h5, "blob_acceptance_p99"));
    assert_true(test_summary(h5, "blobs_retried") > 10);
    assert_true(test_summary(h5, "blob_acceptance_p99") > 30);
    assert_true(test_summary(h5, "sampling_detected") > 0);
    free(h5);
    free(sub);
  }
  free(calm);
  free(dir);
}

#define BAD_DA(grain, extra)                                                                  \
  "name: bad-da\n"                                                                            \
  "duration: 1min\n"                                                                          \
  "calibration: [gpu/profiles/h100-sxm.yaml, gpu/profiles/rtx-4090.yaml]\n"                   \
  "regions: [{name: r, backbone: 100Gbps}]\n"                                                 \
  "providers:\n"                                                                              \
  "  - {class: submitter, count: 1, gpu: H100-SXM, region: r, uplink: 1Gbps, downlink: 1Gbps}\n"\
  "  - {class: da-node, count: 96, gpu: RTX-4090, region: r, uplink: 1Gbps, downlink: 1Gbps,"  \
  "     stake: 10}\n"                                                                        \
  "workload:\n"                                                                               \
  "  blobs: {rate: 1/s, size: 2MB}\n"                                                         \
  "da:\n"                                                                                     \
  "  quorum_slots: 96\n"                                                                      \
  "  coding: {data_rows: 32, rows: 96}\n"                                                     \
  "  dispersal_grain: " grain "\n"                                                            \
  "  signers: [da-nodes]\n" extra

/* Loads text and checks it fails with exactly these diagnostics. */
static void assert_refused(const char *text, size_t n, const char *const lines[])
{
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("s.yaml", text, NULL, 0, registry_layers(),
                                        diag, &sc), DEPIN_EINVAL);
  for (size_t i = 0; i < diag_count(diag); i++)
    print_message("%s\n", diag_line(diag, i));
  assert_int_equal(diag_count(diag), n);
  for (size_t i = 0; i < n; i++)
    assert_string_equal(diag_line(diag, i), lines[i]);
  diag_free(diag);
}

/* The section's own mistakes first (every one of them), then those against the rest of the
 * scenario: a blob larger than the coding holds, a signer class that does not exist. */
static void test_da_bad_section_is_refused_with_positions(void **state)
{
  (void)state;
  const char *parse[] = {
    "s.yaml:15:3: da.acept_fraction: unknown key 'acept_fraction' (did you mean "
    "'accept_fraction'?)",
    "s.yaml:13:20: da.dispersal_grain: unknown value 'per-row' (allowed: aggregate, per-slice)",
  };
  assert_refused(BAD_DA("per-row", "  acept_fraction: 2/3\n"), 2, parse);
  const char *validate[] = {
    "s.yaml:9:28: workload.blobs.size: a blob of 2000000 B exceeds the largest the coding "
    "holds, 1015804 B (data_rows x row_bytes / 32 x 31 - 4)",
    "s.yaml:14:13: da.signers[0]: unknown provider class 'da-nodes' (did you mean 'da-node'?)",
  };
  assert_refused(BAD_DA("per-slice", ""), 2, validate);
}

/* A run longer than an epoch is not refused, but warned that quorums are not re-formed. */
static void test_da_run_past_an_epoch_is_warned(void **state)
{
  (void)state;
  static const char text[] = BAD_DA("aggregate", "  epoch: 30s\n");
  char *fixed = strdup(text);
  char *signers = strstr(fixed, "[da-nodes]");
  memcpy(signers, "[da-node] ", 10); /* a valid signer class */
  char *size = strstr(fixed, "2MB");
  memcpy(size, "1MB", 3);            /* a blob the coding holds */
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  assert_int_equal(scenario_load_string("s.yaml", fixed, NULL, 0, registry_layers(),
                                        diag, &sc), DEPIN_OK);
  assert_int_equal(diag_count(diag), 1);
  assert_non_null(strstr(diag_line(diag, 0), "da.epoch: warning: the run (60 s) is longer than "
                                             "an epoch (30 s)"));
  scenario_free(sc);
  diag_free(diag);
  free(fixed);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_da_erasure_every_k_subset_rebuilds),
    cmocka_unit_test(test_da_erasure_k_minus_one_rows_do_not),
    cmocka_unit_test(test_da_erasure_lost_rows_are_rebuilt),
    cmocka_unit_test(test_da_quorum_slots_follow_votes),
    cmocka_unit_test(test_da_quorum_shuffle_is_per_epoch),
    cmocka_unit_test(test_da_run_past_an_epoch_is_warned),
    cmocka_unit_test(test_da_accept_edge_2047_vs_2048),
    cmocka_unit_test(test_da_frontier_counts_ranges),
    cmocka_unit_test(test_da_geometry_matches_0g),
    cmocka_unit_test(test_da_sampling_detection_matches_closed_form),
    cmocka_unit_test(test_da_dispersal_matches_closed_form),
    cmocka_unit_test(test_da_aggregate_grain_agrees_with_per_slice),
    cmocka_unit_test(test_da_publishing_lane_commits_with_the_next_block),
    cmocka_unit_test(test_da_failures_force_retries),
    cmocka_unit_test(test_da_bad_section_is_refused_with_positions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
