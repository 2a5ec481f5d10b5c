/* report.h: one self-contained HTML page for one or more run or sweep files
 * (`depinsim report`): for each file the scenario (its name, revision, seed, duration and full
 * text with every override applied), the target table, the headline metrics beside their bounds,
 * and every figure `depinsim plot` draws, inlined as SVG. Nothing is fetched from anywhere: no
 * script, no external style, no image link, so the page opens offline and can be mailed.
 * Every string from a file is HTML-escaped. Several files get a section each, in the order
 * given; several runs of one scenario first get their figures overlaid (compare.h). */
#ifndef DEPINSIM_PLOTS_REPORT_H
#define DEPINSIM_PLOTS_REPORT_H

#include <stddef.h>

#include "sim/base/diag.h"
#include "sim/base/status.h"

/* Writes the page to html_path (whole or not at all). Every file is checked first: DEPIN_ENOENT
 * when one does not exist, DEPIN_EINVAL when one is neither a run nor a sweep file (nothing is
 * written then); DEPIN_EIO when a figure or the page cannot be written. */
enum depin_status report_write(const char *const files[], size_t n, const char *html_path,
                               diag_t *diag);

#endif
