/* registry.h: the protocol layers this build has, the only place in sim/ that names them. */
#ifndef DEPINSIM_SIM_CLI_REGISTRY_H
#define DEPINSIM_SIM_CLI_REGISTRY_H

#include "sim/scenario/layer.h"

/* The build's layers in run order with the engine's own metrics (layer.h), built and checked
 * on the first call. A broken contract between the layers (a cycle, a workload key claimed
 * twice) is a programmer's error: it aborts with every problem listed, before any scenario is
 * read. Borrowed for the life of the process. */
const struct layer_set *registry_layers(void);

#endif
