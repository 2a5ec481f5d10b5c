# distribution.gp: the cumulative distribution of one histogram on a log x axis, with vertical
# lines at p50 and p99 and at each target on it. Written as both PNG and SVG.
# Parameters, given with gnuplot -e "name='value'; ...":
#   datafile  two columns: value (upper bin edge), cumulative fraction of the weight
#   outbase   output path without extension (.png and .svg are added)
#   title     the figure's title (the distribution's name and sample count)
#   xlabel    the value axis label, with its unit
#   p50, p99  the quantiles from the run file's attributes
#   targets   optional: space-separated "value" words, one vertical line each
#   target_names  optional: as many words naming them (e.g. "p99" for commit_latency_p99)
if (!exists("targets")) targets = ""
if (!exists("target_names")) target_names = ""
set encoding utf8
set title title noenhanced
set xlabel xlabel noenhanced
set ylabel "cumulative fraction"
set logscale x
set yrange [0:1.02]
set grid
set key bottom right noenhanced box opaque
set format x "%.3g"
if (p50 > 0) {
  set arrow 1 from p50, graph 0 to p50, graph 1 nohead dt 3 lw 1.5 lc rgb "#2ca02c"
  set label 1 sprintf("p50 %.3g", p50) at p50, graph 0.92 offset 0.5,0 noenhanced
}
if (p99 > 0) {
  set arrow 2 from p99, graph 0 to p99, graph 1 nohead dt 3 lw 1.5 lc rgb "#9467bd"
  set label 2 sprintf("p99 %.3g", p99) at p99, graph 0.85 offset 0.5,0 noenhanced
}
do for [i=1:words(targets)] {
  v = word(targets, i) + 0.0
  if (v > 0) {
    set arrow (10 + i) from v, graph 0 to v, graph 1 nohead dt 2 lw 2 lc rgb "#d62728"
    set label (10 + i) sprintf("target %s %.3g", word(target_names, i), v) at v, graph (0.1 + 0.07 * i) right offset -0.5,0 noenhanced
  }
}
png_terminal = strstrt(GPVAL_TERMINALS, "pngcairo") > 0 ? "pngcairo" : "png"
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    eval "set terminal ".png_terminal." size 1000,600"
  } else {
    set terminal svg size 1000,600 dynamic
  }
  set output outbase.".".fmt
  plot datafile using 1:2 with lines lw 2 lc rgb "#1f77b4" title "CDF"
  set output
}
