# sweep-bands.gp: one time series of a sweep: per point of the swept values, the median over
# its replications as a line and the 5th-95th percentile band around it. Written as PNG, SVG
# and PDF. Parameters, given with gnuplot -e "name='value'; ...":
#   datafile  one block per point, separated by two blank lines; each block's first line is
#             its label (a quoted column header), then time (in tunit), median, p5, p95
#   npoints   how many blocks
#   outbase   output path without extension
#   title, ylabel, tunit
set encoding utf8
set title title noenhanced
set xlabel sprintf("simulated time (%s)", tunit) noenhanced
set ylabel ylabel noenhanced
set grid
set key tmargin center horizontal noenhanced box opaque
set format y "%.6g"
set style fill transparent solid 0.2 noborder
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
  plot for [i=0:npoints-1] datafile index i using 1:3:4 with filledcurves lc i+1 notitle, \
       for [i=0:npoints-1] datafile index i using 1:2 with lines lw 2 lc i+1 title columnheader(1)
  set output
}
