/* axes.h: what a figure's axes show, decided from the data before gnuplot draws it: the unit
 * a span of time reads best in, whether values spanning decades want a log axis, and the range
 * that keeps a target line in view. Pure functions, so the tests check the figures' data and
 * labels rather than pixels. */
#ifndef DEPINSIM_PLOTS_AXES_H
#define DEPINSIM_PLOTS_AXES_H

#include <stdbool.h>
#include <stddef.h>

/* The unit for times up to span_s: "s" below 3 min, "min" below 3 h, "h" below 3 d, "d"
 * below a year, "years" beyond; *seconds is the unit's length in seconds. */
const char *axes_time_unit(double span_s, double *seconds);

/* Whether positive finite values span more than three decades (max / min > 1000), so that a
 * log axis shows them better; false when any is zero or negative. */
bool axes_log_worthy(const double *v, size_t n);

/* [*lo, *hi] widened to hold `mark` (a target) with a margin of 5% of the span (a factor of
 * 1.2 on a log axis); unchanged when mark is not finite or already inside. */
void axes_include(double *lo, double *hi, double mark, bool log);

/* Where a label at x sits on an axis from lo to hi, from 0 (left) to 1 (right), on a log or
 * linear scale: labels past 0.7 are right-aligned so that they stay inside the frame. */
double axes_position(double x, double lo, double hi, bool log);

#endif
