# compare-distribution.gp: one distribution of several runs, a CDF (steps) each. Written as
# PNG, SVG and PDF. Parameters, given with gnuplot -e "name='value'; ...":
#   datafile  one block per run, separated by two blank lines; each block's first line is the
#             run's label (a quoted column header), then (value, cumulative fraction) rows
#   nruns     how many blocks
#   outbase   output path without extension
#   title, xlabel (with its unit)
#   logx      1 for a log value axis
set encoding utf8
set title title noenhanced
set xlabel xlabel noenhanced
set ylabel "cumulative fraction"
set yrange [0:1.02]
set grid
set key tmargin center horizontal noenhanced box opaque
set format x "%.3g"
if (logx) { set logscale x }
png_terminal = strstrt(GPVAL_TERMINALS, "pngcairo") > 0 ? "pngcairo" : "png"
formats = strstrt(GPVAL_TERMINALS, "pdfcairo") > 0 ? "png svg pdf" : "png svg"
do for [fmt in formats] {
  if (fmt eq "png") {
    eval "set terminal ".png_terminal." size 1000,650"
  } else {
    if (fmt eq "svg") {
      set terminal svg size 1000,650 dynamic
    } else {
      set terminal pdfcairo size 10in,6.5in
    }
  }
  set output outbase.".".fmt
  plot for [i=0:nruns-1] datafile index i using 1:2 with steps lw 2 title columnheader(1)
  set output
}
