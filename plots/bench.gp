# bench.gp: the simulator's own cost against network size (tests/perf/bench): wall time (left
# axis) and peak resident memory (right axis) of one simulated run per provider count, both
# on log scales. Written as PNG and SVG. Parameters, given with gnuplot -e "name='value'; ...":
#   datafile  columns: providers, wall time (s), peak RSS (MiB), simulated s per wall s
#   outbase   output path without extension (.png, .svg and .pdf are added)
#   title     the figure's title (what was simulated, the revision)
set encoding utf8
set title title noenhanced
set xlabel "providers"
set ylabel "wall time (s)" textcolor rgb "#1f77b4"
set y2label "peak memory (MiB)" textcolor rgb "#d62728"
set logscale x
set logscale y
set logscale y2
set ytics nomirror
set y2tics
set grid
set key top left Left reverse box opaque
set format x "%.0s%c"
set offsets graph 0.05, graph 0.05, graph 0.1, graph 0.1
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
  plot datafile using 1:2 axes x1y1 with linespoints lw 2 pt 7 lc rgb "#1f77b4" title "wall time", \
       datafile using 1:2:(sprintf("%.1f s", $2)) axes x1y1 with labels offset 0,1 notitle, \
       datafile using 1:3 axes x1y2 with linespoints lw 2 pt 5 dt 2 lc rgb "#d62728" title "peak memory", \
       datafile using 1:3:(sprintf("%.0f MiB", $3)) axes x1y2 with labels offset 0,-1 notitle
  set output
}
