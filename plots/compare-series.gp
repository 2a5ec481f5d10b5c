# compare-series.gp: one time series of several runs, a line each. Written as PNG, SVG and PDF.
# Parameters, given with gnuplot -e "name='value'; ...":
#   datafile  one block per run, separated by two blank lines; each block's first line is the
#             run's label (a quoted column header), then time (in tunit) and value rows
#   nruns     how many blocks
#   outbase   output path without extension
#   title, ylabel (with its unit), tunit (the time axis's unit)
#   logy      1 for a log value axis
set encoding utf8
set title title noenhanced
set xlabel sprintf("simulated time (%s)", tunit) noenhanced
set ylabel ylabel noenhanced
set grid
set key tmargin center horizontal noenhanced box opaque
set format y "%.6g"
if (logy) { set logscale y }
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
  plot for [i=0:nruns-1] datafile index i using 1:2 with lines lw 2 title columnheader(1)
  set output
}
