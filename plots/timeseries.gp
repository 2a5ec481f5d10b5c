# timeseries.gp: one time series (simulated time, value), with its target as a horizontal line.
# Written as both PNG and SVG. Parameters, given with gnuplot -e "name='value'; ...":
#   datafile  two columns: time (s), value
#   outbase   output path without extension (.png and .svg are added)
#   title     the figure's title (the series name)
#   ylabel    the value axis label, with its unit
#   target    optional: the target value, drawn as a dashed horizontal line
if (!exists("target")) target = NaN
set encoding utf8
set title title noenhanced
set xlabel "simulated time (s)"
set ylabel ylabel noenhanced
set grid
set key top right noenhanced box opaque
set format y "%.6g"
png_terminal = strstrt(GPVAL_TERMINALS, "pngcairo") > 0 ? "pngcairo" : "png"
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    eval "set terminal ".png_terminal." size 1000,600"
  } else {
    set terminal svg size 1000,600 dynamic
  }
  set output outbase.".".fmt
  if (target == target) {
    plot datafile using 1:2 with linespoints lw 2 pt 7 ps 0.4 lc rgb "#1f77b4" title title, \
         target with lines dt 2 lw 2 lc rgb "#d62728" title sprintf("target %g", target)
  } else {
    plot datafile using 1:2 with linespoints lw 2 pt 7 ps 0.4 lc rgb "#1f77b4" title title
  }
  set output
}
