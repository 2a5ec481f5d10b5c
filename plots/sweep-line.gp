# sweep-line.gp: one summary metric against one swept parameter: the mean over replications
# with its 95% confidence interval (Student's t) as bars, one line per combination of the
# other swept values, and the metric's target as a dashed line. Written as PNG, SVG and PDF.
# Parameters, given with gnuplot -e "name='value'; ...":
#   datafile  blocks separated by two blank lines, one per line drawn; columns:
#             x, mean, interval low, interval high, replications
#   ngroups   how many blocks
#   logx      optional: 1 for a log axis of the swept values (they span decades)
#   titles    one word a block: its label ("ledger.validators=10", or "all")
#   outbase   output path without extension (.png, .svg and .pdf are added)
#   title, xlabel, ylabel
#   target    optional: the metric's target, drawn as a horizontal line
#   vunit     optional: the metric's unit, for the target's legend entry
if (!exists("target")) target = NaN
if (!exists("logx")) logx = 0
if (!exists("vunit")) vunit = ""
if (logx) { set logscale x }
set encoding utf8
set title title noenhanced
set xlabel xlabel noenhanced
set ylabel ylabel noenhanced
set grid
set key tmargin center horizontal noenhanced box opaque
set format y "%.6g"
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
png_terminal = strstrt(GPVAL_TERMINALS, "pngcairo") > 0 ? "pngcairo" : "png"
# PDF beside PNG and SVG when gnuplot has cairo (gnuplot-nox does)
formats = strstrt(GPVAL_TERMINALS, "pdfcairo") > 0 ? "png svg pdf" : "png svg"
do for [fmt in formats] {
  if (fmt eq "png") {
    eval "set terminal ".png_terminal." size 1000,600"
  } else {
    if (fmt eq "svg") {
      set terminal svg size 1000,600 dynamic
    } else {
      set terminal pdfcairo size 10in,6in
    }
  }
  set output outbase.".".fmt
  if (target == target) {
    plot for [i=0:ngroups-1] datafile index i using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 \
           title word(titles, i + 1), \
         target with lines dt 2 lw 2 lc rgb "#d62728" title sprintf("target %g %s", target, vunit)
  } else {
    plot for [i=0:ngroups-1] datafile index i using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 \
           title word(titles, i + 1)
  }
  set output
}
