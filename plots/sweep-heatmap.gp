# sweep-heatmap.gp: one summary metric over two swept parameters, the mean over replications
# as colour: a cell per grid point, or a coloured dot per sample for random and Latin-hypercube
# sweeps. Written as PNG, SVG and PDF. Parameters, given with gnuplot -e "name='value'; ...":
#   datafile  columns: x, y, mean, x value, y value; for 'boxes' x and y are the values' ranks
#   style     'boxes' (a full grid: equal cells labelled with the values) or 'points' (samples)
#   outbase   output path without extension (.png, .svg and .pdf are added)
#   title, xlabel, ylabel, zlabel
#   cbmin, cbmax  optional: the colour scale's range (given when the means differ by under 1%)
set encoding utf8
set title title noenhanced
set xlabel xlabel noenhanced
set ylabel ylabel noenhanced
set cblabel zlabel noenhanced
set palette rgbformulae 33,13,10
set format cb "%.4g"
if (exists("cbmin") && exists("cbmax")) { set cbrange [cbmin:cbmax] }
set key off
set style fill solid 1.0 noborder
set offsets graph 0.02, graph 0.02, graph 0.02, graph 0.02
png_terminal = strstrt(GPVAL_TERMINALS, "pngcairo") > 0 ? "pngcairo" : "png"
# PDF beside PNG and SVG when gnuplot has cairo (gnuplot-nox does)
formats = strstrt(GPVAL_TERMINALS, "pdfcairo") > 0 ? "png svg pdf" : "png svg"
do for [fmt in formats] {
  if (fmt eq "png") {
    eval "set terminal ".png_terminal." size 1000,700"
  } else {
    if (fmt eq "svg") {
      set terminal svg size 1000,700 dynamic
    } else {
      set terminal pdfcairo size 10in,7in
    }
  }
  set output outbase.".".fmt
  if (style eq "boxes") {
    set autoscale fix
    set offsets 0, 0, 0, 0
    plot datafile using 1:2:(0.5):(0.5):3:xtic(sprintf("%g", $4)):ytic(sprintf("%g", $5)) \
           with boxxyerror fillcolor palette, \
         datafile using 1:2:(sprintf("%.5g", $3)) with labels font ",9"
  } else {
    plot datafile using 1:2:3 with points pt 7 ps 2 lc palette
  }
  set output
}
