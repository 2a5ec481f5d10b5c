/* pacer.h: a token bucket that spaces actions at least `interval` apart on average and lets up
 * to PACER_BURST of them through at once. A coarse model that batches work "at most once an
 * interval" adds up to an interval of waiting to every action that follows another closely; a
 * bucket lets a quiet stream through at once and batches only under load. */
#ifndef DEPINSIM_SIM_BASE_PACER_H
#define DEPINSIM_SIM_BASE_PACER_H

#include <math.h>
#include <stdbool.h>

#define PACER_BURST 4.0
#define PACER_MIN_WAIT_S 1e-6

struct pacer {
  double interval; /* seconds a token takes to come back; 0: never waits */
  double tokens;   /* tokens at `at` */
  double at;
};

static inline struct pacer pacer_new(double interval)
{
  return (struct pacer){.interval = interval, .tokens = PACER_BURST, .at = 0};
}

static inline double pacer_tokens(const struct pacer *p, double now)
{
  if (p->interval <= 0)
    return PACER_BURST;
  return fmin(PACER_BURST, p->tokens + (now - p->at) / p->interval);
}

/* Seconds from now until an action may go: 0 when it may go now, or when the wait is shorter
 * than a simulator can sleep (SimGrid ends shorter activities without moving its clock). */
static inline double pacer_wait(const struct pacer *p, double now)
{
  double wait = (1 - pacer_tokens(p, now)) * p->interval;
  return wait < PACER_MIN_WAIT_S ? 0 : wait;
}

/* Spends a token for an action taken now; pacer_wait must have said 0. */
static inline void pacer_take(struct pacer *p, double now)
{
  p->tokens = fmax(0, pacer_tokens(p, now) - 1);
  p->at = now;
}

#endif
