/* registry.c: the build's protocol layers (registry.h). Adding a layer is its folder under
 * protocols/ and one line in `layers` below; its position there only breaks ties, since the
 * set orders layers by what each declares it consumes. */
#include "sim/cli/registry.h"

#include <stdio.h>
#include <xbt/asserts.h>

#include "protocols/aethir/aethir.h"
#include "protocols/da/da.h"
#include "protocols/grass/grass.h"
#include "protocols/infernet/infernet.h"
#include "protocols/ledger/ledger.h"
#include "protocols/market/market.h"
#include "protocols/render/render.h"
#include "protocols/storage/storage.h"
#include "protocols/token/token_layer.h"
#include "protocols/verify/verify.h"
#include "sim/engine/world.h"

static const struct depin_layer *const layers[] = {
  &ledger_layer, &da_layer, &storage_layer, &market_layer, &verify_layer, &infernet_layer,
  &grass_layer, &aethir_layer, &render_layer, &token_layer,
};

const struct layer_set *registry_layers(void)
{
  static struct layer_set set; /* built once, read-only afterwards */
  static bool built;
  if (built)
    return &set;
  diag_t *diag = diag_new();
  xbt_assert(diag, "out of memory");
  if (layer_set_init(&set, layers, sizeof(layers) / sizeof(layers[0]), world_metrics, diag) !=
      DEPIN_OK) {
    diag_print(diag, stderr);
    xbt_die("the registry's layers break their declared contracts (above)");
  }
  diag_free(diag);
  built = true;
  return &set;
}
