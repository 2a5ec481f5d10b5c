/* gnuplot.h: drawing figures with the gnuplot scripts in plots/: a session that finds gnuplot
 * and the scripts, keeps a private temporary folder for data files, runs one script per figure
 * and collects the PNG, SVG and PDF it wrote. Used by every figure and the benchmark runner. */
#ifndef DEPINSIM_PLOTS_GNUPLOT_H
#define DEPINSIM_PLOTS_GNUPLOT_H

#include <stddef.h>
#include <stdio.h>

#include "sim/base/diag.h"

typedef struct gnuplot gnuplot_t;

/* Finds gnuplot on $PATH and the scripts in $DEPINSIM_PLOTS (else the data folder's plots/),
 * creates outdir and a temporary folder. `source` names the input in messages. On failure
 * reports to diag (borrowed; must outlive the session) and returns NULL. Free with
 * gnuplot_free (NULL: no-op), which removes the temporary folder. */
gnuplot_t *gnuplot_new(const char *outdir, const char *source, diag_t *diag);
void gnuplot_free(gnuplot_t *g);

/* The temporary folder for data files (borrowed until gnuplot_free); names without quotes. */
const char *gnuplot_tmpdir(const gnuplot_t *g);
const char *gnuplot_outdir(const gnuplot_t *g);

/* Runs `gnuplot -e params plots/<script>`; the script must write outbase.png and .svg (and
 * .pdf when gnuplot has pdfcairo), which are then recorded. Returns 0, or -1 with gnuplot's
 * first lines of output in diag. */
int gnuplot_draw(gnuplot_t *g, const char *script, const char *params, const char *outbase);

/* The figures drawn so far: an owned array of owned paths (free each and the array); the
 * session keeps none. */
char **gnuplot_take_written(gnuplot_t *g, size_t *n);

/* A block's label as the first line of a data block, read by `title columnheader(1)`: text
 * from files reaches gnuplot as data, never as code (quotes, backslashes and control
 * characters dropped). */
void gnuplot_data_label(FILE *f, const char *label);

/* Writes (t / unit_s, v) rows: every point, or past GNUPLOT_SERIES_MAX_POINTS the smallest and
 * largest value of each of GNUPLOT_SERIES_BUCKETS equal runs of points, in time order: the
 * envelope a 1,000-pixel figure can show (ten years of hourly epochs made 20 MB pages). */
#define GNUPLOT_SERIES_MAX_POINTS 2000
#define GNUPLOT_SERIES_BUCKETS 1000
void gnuplot_write_series(FILE *f, const double *t, const double *v, long n, double unit_s);

/* Text read from a file (a unit, a name) made inert inside a single-quoted gnuplot string, into
 * buf of size n: quotes, backslashes and control characters become spaces. Inside single
 * quotes gnuplot expands neither backquotes nor macros, so nothing of it runs as code. Every
 * string from a file goes through here before it reaches gnuplot's command line. */
void gnuplot_text(const char *text, char *buf, size_t n);

#endif
