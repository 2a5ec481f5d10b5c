# timeseries.gp: one time series (simulated time, value), with its target as a horizontal line.
# Written as PNG, SVG and PDF. Parameters, given with gnuplot -e "name='value'; ...":
#   datafile  two columns: time (in tunit), value
#   outbase   output path without extension (.png, .svg, .pdf are added)
#   title     the figure's title (the series name)
#   tunit     the time axis's unit (s, min, h, d, years: what the span calls for)
#   ylabel    the value axis label, with its unit; also the legend entry
#   logy      optional: 1 for a log value axis (the values span decades)
#   markers   optional: 0 to draw the line alone (long series)
#   ymin, ymax  optional: the value axis's range (given when the target lies outside the data)
#   target    optional: the target value, drawn as a dashed horizontal line
#   vunit     optional: the value's unit, for the target's legend entry
if (!exists("target")) target = NaN
if (!exists("logy")) logy = 0
if (!exists("markers")) markers = 1
if (!exists("vunit")) vunit = ""
style = markers ? "linespoints lw 2 pt 7 ps 0.4" : "lines lw 2"
set encoding utf8
set title title noenhanced
set xlabel sprintf("simulated time (%s)", tunit) noenhanced
set ylabel ylabel noenhanced
set grid
set key top right noenhanced box opaque
set format y "%.6g"
if (logy) { set logscale y }
if (exists("ymin") && exists("ymax")) { set yrange [ymin:ymax] }
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
    eval "plot datafile using 1:2 with ".style." lc rgb '#1f77b4' title ylabel, target with lines dt 2 lw 2 lc rgb '#d62728' title sprintf('target %g %s', target, vunit)"
  } else {
    eval "plot datafile using 1:2 with ".style." lc rgb '#1f77b4' title ylabel"
  }
  set output
}
