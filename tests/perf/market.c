/* market.c: the market at scale: 10,000 providers and 1,000,000 inference requests in one
 * simulated hour.
 *
 * Every provider is leased through the reverse auction (10,000 orders, up to 20 bids each),
 * every lease is settled each 6.5 s block, and 277.8 requests/s of an 8B model are placed on
 * the pool. Requests are never actors or flows: the dispatcher places each interval's
 * arrivals in one pass (service.c), which is what makes a million of them cheap. Prints wall
 * time, peak RSS and the counts, so a regression in any of those paths shows.
 *
 *   build/perf/market [PROVIDERS] [REQUESTS] [--cfg=...] */
#include <stdio.h>
#include <stdlib.h>

#include "perf_world.h"

int main(int argc, char **argv)
{
  long n = argc > 1 ? atol(argv[1]) : 10000;
  double requests = argc > 2 ? atof(argv[2]) : 1e6;
  char *text = NULL;
  if (asprintf(&text,
               "name: market-scale\nduration: 1h\nsample_interval: 1min\n"
               "calibration: [%s/gpu/profiles/rtx-4090.yaml]\n"
               "regions: [{name: a, backbone: 100Gbps}, {name: b, backbone: 100Gbps}]\n"
               "latency: {a: {b: 40ms}}\n"
               "providers: [{class: p, count: %ld, gpu: RTX-4090, region: [a, b],\n"
               "             uplink: 50Mbps, downlink: 500Mbps, latency: 15ms,\n"
               "             cost_per_hour: 0.28, availability: {mtbf: 36h, mttr: 8h}}]\n"
               "workload:\n"
               "  inference: {rate: %.17g/s, model: {params: 8e9, precision: bf16},\n"
               "              prompt_tokens: 512, output_tokens: 256, replicas: %ld,\n"
               "              service: exponential}\n"
               "market: {bid_window: 30s}\n",
               DEPINSIM_SOURCE_DIR, n, requests / 3600, n) < 0)
    return 1;
  diag_t *diag = diag_new();
  struct scenario *sc = perf_load_text("market-scale", text, diag);
  struct perf_world p;
  if (!sc || perf_world_new(&p, sc, diag, argc, argv, 3) != 0)
    return 1;
  perf_world_run(&p, true);
  printf("providers %ld, requests %.0f placed (%.0f offered), leases %.0f (%.0f closed by "
         "failures): platform %.1f s, run %.1f s, peak RSS %.0f MiB; latency p50 %.3f s, "
         "p99 %.3f s\n", n, perf_summary(&p, "inference_requests"), requests,
         perf_summary(&p, "leases"), perf_summary(&p, "leases_failed"), p.built - p.started,
         p.ended - p.built, perf_peak_rss_mib(), perf_summary(&p, "inference_latency_p50"),
         perf_summary(&p, "inference_latency_p99"));
  perf_world_free(&p);
  scenario_free(sc);
  diag_free(diag);
  free(text);
  return 0;
}
