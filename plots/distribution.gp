# distribution.gp: the cumulative distribution of one histogram, drawn as
# steps (the fraction rises at each bin's upper edge), with vertical lines at p50 and p99 and
# at each target on it. Written as PNG, SVG and PDF. Parameters, given with
# gnuplot -e "name='value'; ...":
#   datafile  two columns: value (upper bin edge), cumulative fraction of the weight
#   outbase   output path without extension (.png, .svg, .pdf are added)
#   title     the figure's title (the distribution's name and sample count)
#   xlabel    the value axis label, with its unit
#   xmin, xmax  the value axis's range: the data's, widened to hold every target
#   logx      1 for a log value axis (the range spans more than two decades)
#   p50, p99  the quantiles from the run file's attributes
#   p50_right, p99_right  1 when the quantile's label would leave the frame on the right
#   targets   optional: space-separated "value" words, one vertical line each
#   target_names  optional: as many words naming them (e.g. "p99" for commit_latency_p99)
if (!exists("targets")) targets = ""
if (!exists("target_names")) target_names = ""
if (!exists("p50_right")) p50_right = 0
if (!exists("p99_right")) p99_right = 0
set encoding utf8
set title title noenhanced
set xlabel xlabel noenhanced
set ylabel "cumulative fraction"
if (!exists("logx")) logx = 1
if (logx) { set logscale x }
set xrange [xmin:xmax]
set yrange [0:1.02]
set grid
set key bottom right noenhanced box opaque
set format x "%.3g"
if (p50 > 0) {
  set arrow 1 from p50, graph 0 to p50, graph 1 nohead dt 3 lw 1.5 lc rgb "#2ca02c"
  if (p50_right) {
    set label 1 sprintf("p50 %.3g", p50) at p50, graph 0.92 right offset -0.5,0 noenhanced
  } else {
    set label 1 sprintf("p50 %.3g", p50) at p50, graph 0.92 offset 0.5,0 noenhanced
  }
}
if (p99 > 0) {
  set arrow 2 from p99, graph 0 to p99, graph 1 nohead dt 3 lw 1.5 lc rgb "#9467bd"
  if (p99_right) {
    set label 2 sprintf("p99 %.3g", p99) at p99, graph 0.85 right offset -0.5,0 noenhanced
  } else {
    set label 2 sprintf("p99 %.3g", p99) at p99, graph 0.85 offset 0.5,0 noenhanced
  }
}
do for [i=1:words(targets)] {
  v = word(targets, i) + 0.0
  if (v > 0) {
    set arrow (10 + i) from v, graph 0 to v, graph 1 nohead dt 2 lw 2 lc rgb "#d62728"
    set label (10 + i) sprintf("target %s %.3g", word(target_names, i), v) at v, graph (0.1 + 0.07 * i) right offset -0.5,0 noenhanced
  }
}
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
  plot datafile using 1:2 with steps lw 2 lc rgb "#1f77b4" title "cumulative fraction"
  set output
}
