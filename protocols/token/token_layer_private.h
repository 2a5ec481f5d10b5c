/* token_layer_private.h: the token layer's parsed configuration and run state, shared by
 * token_layer.c (parsing) and token_layer_run.c (events and finish). Not for other modules. */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_TOKEN_LAYER_PRIVATE_H
#define DEPINSIM_PROTOCOLS_TOKEN_TOKEN_LAYER_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "protocols/token/token_layer.h"
#include "protocols/token/token_sim.h"

/* A stake multiplier for the provider class of that name (token.staking.multiplier). */
struct token_multiplier {
  char *cls;
  double value;
  struct cfg_node node;         /* its value, for messages (valid while the scenario's cfg) */
};

struct token_conf {
  struct token_config c;        /* classes filled at finish from the scenario */
  bool horizon_set;             /* else the run's duration (and the epoch at most that) */
  struct cfg_node section;      /* for messages (valid while the scenario's cfg) */
  struct token_multiplier *multipliers;
  size_t n_multipliers;
};

enum token_event_kind { TOKEN_EVENT_PAYMENT, TOKEN_EVENT_FAULT, TOKEN_EVENT_REWARD,
                        TOKEN_EVENT_FEE };

/* 32 bytes: a 1-hour run of thousands of nodes records tens of thousands (rewards and fees
 * come aggregated per sample or mining period). */
struct token_event {
  double t;
  size_t provider;              /* unused for a fee */
  double amount;                /* USD of a payment, tokens of a reward or a fee */
  unsigned char kind;           /* enum token_event_kind */
  unsigned char detail;         /* enum token_fault of a fault, token_reward_source otherwise */
};

struct token_state {
  const struct token_conf *conf; /* borrowed from the scenario */
  struct token_event *events;
  size_t n_events, cap_events;
  bool settled;                 /* finish has replayed the events: no more may come */
};

void *token_layer_parse(cfg_t *cfg, struct cfg_node section);
bool token_layer_validate(const struct scenario *sc, const void *conf, cfg_t *cfg);
void token_layer_conf_free(void *conf);
void *token_layer_deploy(struct world *w, const void *conf);
void token_layer_finish(void *state, struct world *w);
void token_layer_state_free(void *state);

#endif
