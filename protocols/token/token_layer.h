/* token_layer.h: the token layer's event API, for other layers to call during a run.
 *
 * The token layer has no actors: while the engine runs, other layers record what the token
 * economy needs (users' payments for jobs, proven faults), and when the run ends the layer
 * replays them into the epoch simulation (token_sim.h) over its horizon. The layer itself is
 * `token_layer` (a const struct depin_layer, listed in sim/world.c). */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_TOKEN_LAYER_H
#define DEPINSIM_PROTOCOLS_TOKEN_TOKEN_LAYER_H

#include <stddef.h>

#include "sim/layer.h"

struct world;
struct token_state;

extern const struct depin_layer token_layer;

enum token_fault {
  TOKEN_FAULT_PROVEN,   /* a proven fault (wrong result, failed challenge): slashed */
  TOKEN_FAULT_FAKE_GPU  /* a provider caught claiming hardware it lacks: slashed, removed */
};

/* The token layer's run state in world w, borrowed until the world is freed; NULL when the
 * scenario has no `token` section (then there is nothing to record). */
struct token_state *token_layer_state(struct world *w);

/* Records a user's payment of usd (> 0) at simulated time t for a job that provider
 * provider_index (an index into w->providers) ran. st may be NULL (ignored). Out of memory is
 * a programmer's error (asserts); bad values are ignored. */
void token_record_payment(struct token_state *st, double t, size_t provider_index, double usd);
/* Records a fault of provider_index at time t. st may be NULL. */
void token_record_fault(struct token_state *st, double t, size_t provider_index,
                        enum token_fault kind);

#endif
