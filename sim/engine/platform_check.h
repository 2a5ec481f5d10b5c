/* platform_check.h: a user's SimGrid platform file (the scenario's `platform:`) checked before
 * anything runs. SimGrid aborts the process on a file it cannot load, so the file is loaded in
 * a child process: a bad file, or one without a host the scenario's classes need
 * ("<class>-<n>"), is then a message at validation instead of an abort mid-run. */
#ifndef DEPINSIM_SIM_ENGINE_PLATFORM_CHECK_H
#define DEPINSIM_SIM_ENGINE_PLATFORM_CHECK_H

#include "sim/base/diag.h"
#include "sim/base/status.h"
#include "sim/scenario/scenario.h"

/* DEPIN_OK when sc has no platform file or SimGrid loads it with every host; otherwise the
 * problems go to diag and DEPIN_EINVAL (DEPIN_EIO when no child could be started). */
enum depin_status platform_check_user_file(const struct scenario *sc, diag_t *diag);

#endif
