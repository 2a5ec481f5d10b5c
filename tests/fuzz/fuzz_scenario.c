/* fuzz_scenario.c: libFuzzer harness for the scenario loader, --set overrides and sweep
 * expansion, as `depinsim validate` drives them.
 *
 * Input: lines "#set KEY.PATH=VALUE" at the top become --set overrides (at most 8); the rest is
 * the scenario's YAML text. A loaded scenario is expanded as a sweep (values checked) and its
 * cost estimated. Nothing runs the engine. Seeds: the shipped scenarios (tests/fuzz/smoke.sh). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/registry.h"
#include "sim/run/estimate.h"
#include "sim/run/sweep_spec.h"
#include "sim/scenario/scenario.h"

#define MAX_OVERRIDES 8

/* Splits "#set ..." lines off the front of text (modified in place); returns the YAML. */
static char *take_overrides(char *text, const char *set[], size_t *n)
{
  *n = 0;
  while (*n < MAX_OVERRIDES && strncmp(text, "#set ", 5) == 0) {
    char *end = strchr(text, '\n');
    set[(*n)++] = text + 5;
    if (!end)
      return text + strlen(text);
    *end = '\0';
    text = end + 1;
  }
  return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = malloc(size + 1);
  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  const char *set[MAX_OVERRIDES];
  size_t n = 0;
  char *yaml = take_overrides(text, set, &n);
  diag_t *diag = diag_new();
  struct scenario *sc = NULL;
  if (scenario_load_string("fuzz.yaml", yaml, set, n, registry_layers(), diag, &sc) == DEPIN_OK) {
    struct sweep_spec *spec = NULL;
    if (sc->sweep.node && sweep_spec_read(sc, &spec) == DEPIN_OK) {
      sweep_spec_check_values(sc, spec, set, n);
      sweep_spec_free(spec);
    }
    struct run_cost cost = estimate_run(sc);
    (void)estimate_wall_s(&cost);
    scenario_free(sc);
  }
  diag_free(diag);
  free(text);
  return 0;
}
