/* token_layer_private.h: the token layer's parsed configuration and run state, shared by
 * token_layer.c (parsing) and token_layer_run.c (events and finish). Not for other modules. */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_TOKEN_LAYER_PRIVATE_H
#define DEPINSIM_PROTOCOLS_TOKEN_TOKEN_LAYER_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "protocols/token/token_layer.h"
#include "protocols/token/token_sim.h"
#include "sim/results/metrics.h"

/* A stake multiplier for the provider class of that name (token.staking.multiplier). */
struct token_multiplier {
  char *cls;
  double value;
  struct cfg_node node;         /* its value, for messages (valid while the scenario's cfg) */
};

/* token.coupling: the epochs run inside the engine's time and move the network (model in
 * token_coupling.c). Absent: the events are replayed after the run (token_layer_run.c). */
struct token_coupling {
  bool on;
  double window_s;              /* network time simulated for each group of `every` epochs */
  long every;                   /* epochs that one window stands for */
  double elasticity;            /* demand ~ (share of requests served well) ^ elasticity */
  double latency_bound_s;       /* a request slower than this is not served well */
  struct cfg_node node;         /* for messages (valid while the scenario's cfg) */
};

struct token_conf {
  struct token_config c;        /* classes filled at finish from the scenario */
  struct token_coupling coupling;
  bool horizon_set;             /* else the run's duration (and the epoch at most that) */
  struct cfg_node section;      /* for messages (valid while the scenario's cfg) */
  struct token_multiplier *multipliers;
  size_t n_multipliers;
};

enum token_event_kind { TOKEN_EVENT_PAYMENT, TOKEN_EVENT_FAULT, TOKEN_EVENT_REWARD,
                        TOKEN_EVENT_FEE };

/* 40 bytes: a 1-hour run of thousands of nodes records tens of thousands (rewards and fees
 * come aggregated per sample or mining period; a coupled run keeps one window's). */
struct token_event {
  double t;
  size_t provider;              /* unused for a fee */
  double amount;                /* USD of a payment, tokens of a reward or a fee */
  double gpu_hours;             /* of a payment for rented GPUs, else 0 */
  unsigned char kind;           /* enum token_event_kind */
  unsigned char detail;         /* enum token_fault of a fault, token_reward_source otherwise */
};

/* Where the epochs' results go: series, the /token table and the totals for the summary. */
struct token_recorder {
  metrics_t *m;
  table_t *table;
  const struct scenario *sc;
  size_t stride;                /* every stride-th epoch becomes a point */
  double user_usd, served, burned, minted;
  double fees, rewards[TOKEN_REWARD_SOURCES], rewards_minted;
  bool conserved;
};

struct token_coupled; /* token_coupling.c */
struct provider_class;
/* A class with neither cost nor stake: users' hosts (DA's submitters), not operators. */
bool token_coupling_users_class(const struct provider_class *pc);

struct token_state {
  const struct token_conf *conf; /* borrowed from the scenario */
  struct token_event *events;   /* a coupled run: this window's */
  size_t n_events, cap_events;
  bool settled;                 /* finish has replayed the events: no more may come */
  struct token_coupled *coupled; /* NULL unless token.coupling */
};

/* token_layer_run.c, shared with token_coupling.c */
int token_event_by_time(const void *a, const void *b);
/* The scenario's provider classes as the token model sees them (owned by the caller). */
struct token_class *token_classes_of(const struct scenario *sc, const struct token_conf *conf);
/* Applies one event to operator op (SIZE_MAX: nobody; ignored but for fees), its amounts times
 * scale; a fault only when `faults`. */
void token_apply_event(token_sim_t *sim, const struct token_event *ev, size_t op, double scale,
                       bool faults);
/* Opens the /token table and the recorder for a simulation of n_epochs epochs. */
void token_recorder_init(struct token_recorder *r, struct world *w, size_t n_epochs);
void token_record_epoch(const struct token_epoch *e, void *ctx);
void token_summarise(token_sim_t *sim, const struct token_config *c, struct token_recorder *r);

/* token_coupling.c */
struct provider_class;
/* A class with neither cost nor stake: users' hosts (DA's submitters), not operators. */
bool token_coupling_users_class(const struct provider_class *pc);
bool token_coupling_validate(const struct scenario *sc, const struct token_conf *tc,
                             cfg_t *cfg);
/* Creates the simulation at deploy and ticks it every window (world_every). */
void token_coupling_deploy(struct token_state *st, struct world *w);
void token_coupling_finish(struct token_state *st, struct world *w);
void token_coupling_free(struct token_state *st);

void *token_layer_parse(cfg_t *cfg, struct cfg_node section);
bool token_layer_validate(const struct scenario *sc, const void *conf, cfg_t *cfg);
void token_layer_conf_free(void *conf);
void *token_layer_deploy(struct world *w, const void *conf);
void token_layer_finish(void *state, struct world *w);
void token_layer_state_free(void *state);

#endif
