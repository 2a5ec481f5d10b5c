/* queueing.h: the closed forms the market's workloads are checked against: Erlang C for an
 * M/M/c queue and the ring all-reduce time. */
#ifndef DEPINSIM_PROTOCOLS_MARKET_QUEUEING_H
#define DEPINSIM_PROTOCOLS_MARKET_QUEUEING_H

/* Probability that an arrival waits in an M/M/c queue with c servers and offered load
 * a = lambda / mu (Erlang C). Returns 1 when a >= c (unstable). Cannot fail. */
double queueing_erlang_c(long c, double a);

/* Mean wait in queue of M/M/c: C(c, a) / (c mu - lambda); +infinity when lambda >= c mu. */
double queueing_mmc_wait(double lambda, double mu, long c);

/* Time of a ring all-reduce of `bytes` over n nodes whose every hop has bandwidth bw (B/s)
 * and one-way latency lat (s): 2(n-1) phases, each moving bytes/n per hop, so
 * 2(n-1)/n x bytes / bw + 2(n-1) x lat (Patarasuk and Yuan 2009). 0 for n < 2. */
double queueing_ring_allreduce_s(long n, double bytes, double bw_Bps, double lat_s);

#endif
