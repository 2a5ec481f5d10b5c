/* axes.c: axis units, scales and ranges (axes.h). */
#include "plots/axes.h"

#include <math.h>

const char *axes_time_unit(double span_s, double *seconds)
{
  static const struct {
    const char *name;
    double seconds, up_to;
  } units[] = {{"s", 1, 180}, {"min", 60, 3 * 3600.0}, {"h", 3600, 3 * 86400.0},
               {"d", 86400, 365.25 * 86400}, {"years", 365.25 * 86400, INFINITY}};
  size_t i = 0;
  while (i + 1 < sizeof(units) / sizeof(units[0]) && !(span_s < units[i].up_to))
    i++;
  *seconds = units[i].seconds;
  return units[i].name;
}

bool axes_log_worthy(const double *v, size_t n)
{
  double lo = INFINITY, hi = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(v[i]))
      continue;
    if (v[i] <= 0)
      return false;
    lo = fmin(lo, v[i]), hi = fmax(hi, v[i]);
  }
  return hi > 0 && hi / lo > 1000;
}

void axes_include(double *lo, double *hi, double mark, bool log)
{
  if (!isfinite(mark) || (mark >= *lo && mark <= *hi))
    return;
  if (log) {
    *lo = fmin(*lo, mark / 1.2);
    *hi = fmax(*hi, mark * 1.2);
    return;
  }
  double margin = 0.05 * (fmax(*hi, mark) - fmin(*lo, mark));
  *lo = fmin(*lo, mark - margin);
  *hi = fmax(*hi, mark + margin);
}

double axes_position(double x, double lo, double hi, bool log)
{
  if (log && x > 0 && lo > 0 && hi > lo)
    return (log10(x) - log10(lo)) / (log10(hi) - log10(lo));
  return hi > lo ? (x - lo) / (hi - lo) : 0.5;
}
