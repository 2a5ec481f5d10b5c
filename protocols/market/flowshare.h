/* flowshare.h: the rate a set of concurrent, equally sized flows gets on the simulated network,
 * for the closed forms that training checks its phases against. */
#ifndef DEPINSIM_PROTOCOLS_MARKET_FLOWSHARE_H
#define DEPINSIM_PROTOCOLS_MARKET_FLOWSHARE_H

#include <simgrid/forward.h>
#include <stddef.h>

/* SimGrid's cross-traffic: a flow loads the links of its reverse route with 5% of its rate. */
#define FLOWSHARE_ACK_WEIGHT 0.05

/* For n flows src[i] -> dst[i] started together and moving the same bytes: the rate (B/s) of
 * the slowest under max-min sharing, min over links of bandwidth / (flows crossing it + 0.05 x
 * flows acknowledged over it, when network/crosstraffic is on), each flow also capped by the
 * TCP window / (2 x its route latency) (network/TCP-gamma). *max_lat_s gets the longest route
 * latency. With every flow alike this is the rate that decides when the last one ends. Returns
 * +infinity (and latency 0) for n == 0; out of memory asserts. */
double flowshare_equal_rate(const sg_host_t *src, const sg_host_t *dst, size_t n,
                            double *max_lat_s);

#endif
