/* cli.c: the depinsim command line (README.md, "Commands"). Only this module, results and the
 * report printers write to stdout. */
#include "sim/cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "depinsim_revision.h"
#include "gpu/calibrate.h"
#include "plots/compare.h"
#include "plots/plot.h"
#include "plots/plot_sweep.h"
#include "plots/report.h"
#include "sim/base/diag.h"
#include "sim/base/strfmt.h"
#include "sim/base/units.h"
#include "sim/cli/inspect.h"
#include "sim/cli/registry.h"
#include "sim/results/h5.h"
#include "sim/results/export.h"
#include "sim/results/runfile.h"
#include "sim/run/check.h"
#include "sim/run/run.h"
#include "sim/run/sweep.h"

struct command {
  const char *name;
  int (*main)(int argc, char **argv);
  const char *usage;
  const char *help;
};

static const char run_help[] =
  "Runs a scenario and writes results/<name>/run.h5 (or DIR/run.h5), a summary of the\n"
  "headline metrics beside their analytical bounds, and the target table.\n\n"
  "  -o, --output DIR        where to write run.h5 (default results/<scenario name>)\n"
  "      --seed N            override the scenario's seed\n"
  "      --set KEY.PATH=V    override any scenario value (repeatable), e.g.\n"
  "                          --set providers.home-4090.count=5000 --set ledger.block_time=1s\n"
  "  -q, --quiet             no progress display\n"
  "      --cfg=NAME:VALUE    a SimGrid option, passed to the engine\n\n"
  "Exit status: 0 every target met, 1 a target missed, 2 bad input, 3 results not written.\n";

static const char validate_help[] =
  "Reads and checks a scenario without running it; prints every problem as\n"
  "file:line:col: key.path: what is wrong (allowed: ...).\n\n"
  "      --set KEY.PATH=V    override a value first (repeatable)\n\n"
  "Exit status: 0 valid, 2 bad input.\n";

static const char check_help[] =
  "Runs a scenario as CI does: every target is a test case, and with --baseline every summary\n"
  "metric is compared with the baseline run file's. A metric with a target regresses when it\n"
  "moves the target's wrong way by more than the tolerance; one without, when it moves by\n"
  "more either way.\n\n"
  "  -b, --baseline RUN.h5   a run file to compare the summary metrics with\n"
  "  -t, --tolerance X       the relative change tolerated: 5% or 0.05 (default 5%)\n"
  "      --junit FILE        write JUnit XML: a test case per target (suite 'targets') and\n"
  "                          per baseline metric (suite 'baseline')\n"
  "  -o, --output DIR        where to write run.h5 (default results/<scenario name>-check:\n"
  "                          never where `run` writes, and never over the baseline)\n"
  "      --seed N, --set KEY.PATH=V, -q, --cfg=NAME:VALUE   as for run\n\n"
  "Exit status: 0 every target met and no regression, 1 a target missed or a metric\n"
  "regressed, 2 bad input (scenario, override, option or baseline), 3 a file not written.\n";

static const char sweep_help[] =
  "Runs every point of the scenario's `sweep` section, each in its own process, and writes\n"
  "DIR/sweep.h5 (a /points table: swept values, seed, every summary metric, pass, error)\n"
  "and each point's run file under DIR/points/<id>/. Run again into the same folder, it skips\n"
  "the points that finished; a point that fails is recorded and the others go on. Under\n"
  "mpirun the ranks share the points (one each at a time, handed out as they finish).\n\n"
  "  sweep:                                     # in the scenario\n"
  "    method: grid                             # grid (default), random or lhs\n"
  "    points: 20                               # random and lhs: how many samples\n"
  "    replications: 3                          # seeds seed, seed+1, ...\n"
  "    providers.home-4090.count: [1000, 4000]  # any key path: a list\n"
  "    ledger.block_time: {from: 250ms, to: 1s, step: 250ms}   # or a range\n\n"
  "  -j, --jobs N            points run at a time on this machine (default 1)\n"
  "  -o, --output DIR        the sweep's folder (default results/<name>-sweep)\n"
  "  -q, --quiet             no line per finished point\n"
  "      --seed N, --set KEY.PATH=V, --cfg=NAME:VALUE   applied to every point\n\n"
  "Exit status: 0 every point ran (/points says which met their targets), 1 a point failed,\n"
  "2 bad input, 3 the folder or sweep.h5 could not be written.\n";

static const char report_help[] =
  "Writes one self-contained HTML page for one or more run or sweep files: for each, the\n"
  "scenario and its overrides, the target table, the headline metrics beside their bounds,\n"
  "and every figure `plot` draws, inline as SVG. Nothing is fetched from anywhere.\n\n"
  "  -o, --output DIR        where to write report.html (default: beside the first file)\n\n"
  "Exit status: 0 written, 2 bad input (no such file, not a run or sweep file), 3 the page or\n"
  "a figure not written (gnuplot missing or failing).\n";

static const char export_help[] =
  "Writes a run or sweep file as CSV files or as a LaTeX table.\n\n"
  "  --csv DIR               one CSV file a table: a run file's summary.csv, each table\n"
  "                          (<table>.csv), each series (timeseries-<name>.csv) and each\n"
  "                          distribution's bins (distribution-<name>.csv); a sweep file's\n"
  "                          points.csv. A header row of names, then a '#' row of units.\n"
  "  --latex FILE            a booktabs table: a run file's summary; a sweep file's metrics\n"
  "                          per point, as the mean over replications with its 95% confidence\n"
  "                          interval (Student's t)\n\n"
  "Exit status: 0 written, 2 bad input (no such file, not a run or sweep file, an option),\n"
  "3 a file not written.\n";

static const char plot_help[] =
  "Draws the figures of a run file (PNG and SVG) with the gnuplot scripts in plots/:\n"
  "every time series with its target line, every distribution with its percentiles.\n"
  "Of a sweep file (sweep.h5): each metric with a target (every metric when none has one)\n"
  "against each swept parameter, the mean over replications with its 95% confidence\n"
  "interval, and a heat map over each pair of parameters.\n\n"
  "Of several run files (`compare`, or `plot A.h5 B.h5 ...`): runs of one scenario on one\n"
  "figure, each series and each distribution they share, a line per run labelled by its\n"
  "--set overrides.\n\n"
  "  -o, --output DIR        where to write the figures (default: beside RUN.h5)\n"
  "  -m, --metrics A,B       of a sweep, draw these metrics (any the sweep reported)\n\n"
  "Exit status: 0 figures written, 1 nothing to draw, 2 no such file, 3 the file cannot be read\n"
  "or a figure was not written (gnuplot missing or failing).\n";

static const char calibrate_help[] =
  "Measures this machine's compute rates (dense GEMM per precision, memory bandwidth, host-\n"
  "device transfers, Reed-Solomon encoding, Ed25519 verification), each checked against a\n"
  "reference, and writes a calibration profile (source: measured). Without a usable GPU it\n"
  "says so and calibrates the CPU.\n\n"
  "      --device cuda|cpu|auto   which device (default auto: the GPU when one answers)\n"
  "  -o, --output PROFILE.yaml    where to write the profile (default: stdout)\n"
  "      --quick                  small sizes and few repetitions\n";

static const char inspect_help[] =
  "Prints a run file's meta data, summary, bounds, targets, series and tables.\n";

static void usage(FILE *out);

/* Options of the commands that run a scenario (run, validate, check, sweep); each command
 * accepts the ones whose short codes are in `accepted`. */
struct cli_opts {
  struct run_opts run;
  struct check_opts check;
  long jobs;             /* sweep -j */
};

static const struct option run_longopts[] = {
  {"output", required_argument, NULL, 'o'},   {"seed", required_argument, NULL, 'S'},
  {"set", required_argument, NULL, 's'},      {"quiet", no_argument, NULL, 'q'},
  {"cfg", required_argument, NULL, 'c'},      {"help", no_argument, NULL, 'h'},
  {"baseline", required_argument, NULL, 'b'}, {"tolerance", required_argument, NULL, 't'},
  {"junit", required_argument, NULL, 'J'},    {"jobs", required_argument, NULL, 'j'},
  {NULL, 0, NULL, 0},
};

/* A non-negative integer option into *out; reports and returns false otherwise. */
static bool parse_count(const char *cmd, const char *opt, const char *arg, unsigned long long *out)
{
  char *end;
  errno = 0;
  *out = strtoull(arg, &end, 10);
  if (errno || *end || !*arg || arg[0] == '-') {
    fprintf(stderr, "depinsim %s: %s: '%s' is not a non-negative integer\n", cmd, opt, arg);
    return false;
  }
  return true;
}

/* Returns 0, or the exit code to stop with (-1: --help printed). */
static int parse_run_options(int argc, char **argv, struct cli_opts *o, const char **overrides,
                             const char *help, const char *cmd, const char *accepted)
{
  int c;
  unsigned long long n;
  const char *why;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:qhb:t:j:", run_longopts, NULL)) != -1) {
    if (c != 'h' && c != '?' && !strchr(accepted, c)) {
      fprintf(stderr, "depinsim %s: %s is not an option of %s (try 'depinsim %s --help')\n",
              cmd, argv[optind - 1], cmd, cmd);
      return RUN_EXIT_BAD_INPUT;
    }
    switch (c) {
    case 'o': o->run.outdir = optarg; break;
    case 'q': o->run.progress = PROGRESS_QUIET; break;
    case 's': overrides[o->run.n_overrides++] = optarg; break;
    case 'c': o->run.engine_argv[o->run.engine_argc++] = argv[optind - 1]; break;
    case 'b': o->check.baseline = optarg; break;
    case 'J': o->check.junit = optarg; break;
    case 'S':
      if (!parse_count(cmd, "--seed", optarg, &n))
        return RUN_EXIT_BAD_INPUT;
      o->run.seed = n;
      o->run.seed_given = true;
      break;
    case 'j':
      if (!parse_count(cmd, "--jobs", optarg, &n) || n == 0 || n > 4096) {
        fprintf(stderr, "depinsim %s: --jobs: '%s' (allowed: 1 to 4096)\n", cmd, optarg);
        return RUN_EXIT_BAD_INPUT;
      }
      o->jobs = (long)n;
      break;
    case 't':
      if (units_parse(optarg, UNIT_NUMBER, &o->check.tolerance, &why) < 0 ||
          o->check.tolerance < 0) {
        fprintf(stderr, "depinsim %s: --tolerance: '%s': %s (allowed: >= 0, e.g. 5%% or 0.05)\n",
                cmd, optarg, o->check.tolerance < 0 ? "negative" : why);
        return RUN_EXIT_BAD_INPUT;
      }
      break;
    case 'h': printf("usage: depinsim %s SCENARIO [options]\n\n%s", cmd, help); return -1;
    default: fprintf(stderr, "try 'depinsim %s --help'\n", cmd); return RUN_EXIT_BAD_INPUT;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, "depinsim %s: expected one SCENARIO file (try 'depinsim %s --help')\n", cmd,
            cmd);
    return RUN_EXIT_BAD_INPUT;
  }
  o->run.scenario = argv[optind];
  o->run.overrides = overrides;
  return 0;
}

static int with_run_options(int argc, char **argv, const char *cmd, const char *help,
                            const char *accepted, int (*body)(const struct cli_opts *))
{
  const char **overrides = calloc((size_t)argc, sizeof(char *));
  char **engine_argv = calloc((size_t)argc + 1, sizeof(char *));
  struct cli_opts o = {
    .run = {.layers = registry_layers(), .progress = PROGRESS_AUTO, .engine_argv = engine_argv,
            .engine_argc = 1},
    .check = {.tolerance = CHECK_DEFAULT_TOLERANCE},
    .jobs = 1,
  };
  engine_argv[0] = argv[0];
  int code = parse_run_options(argc, argv, &o, overrides, help, cmd, accepted);
  if (code == 0)
    code = body(&o);
  free(overrides);
  free(engine_argv);
  return code < 0 ? 0 : code;
}

static int run_body(const struct cli_opts *o)
{
  return run_scenario(&o->run, stdout, stderr, NULL);
}

static int validate_body(const struct cli_opts *o)
{
  return run_validate(&o->run, stdout, stderr);
}

static int check_body(const struct cli_opts *o)
{
  return check_scenario(&o->run, &o->check, stdout, stderr);
}

static int sweep_body(const struct cli_opts *o)
{
  struct sweep_opts opts = {.run = &o->run, .jobs = o->jobs};
  return sweep_main(&opts, stdout, stderr);
}

static int cmd_sweep(int argc, char **argv)
{
  return with_run_options(argc, argv, "sweep", sweep_help, "oSsqcj", sweep_body);
}

static int cmd_run(int argc, char **argv)
{
  return with_run_options(argc, argv, "run", run_help, "oSsqc", run_body);
}

static int cmd_validate(int argc, char **argv)
{
  return with_run_options(argc, argv, "validate", validate_help, "oSsqc", validate_body);
}

static int cmd_check(int argc, char **argv)
{
  return with_run_options(argc, argv, "check", check_help, "oSsqcbtJ", check_body);
}

/* The folder of a path ("results/x" for "results/x/run.h5"), owned. */
static char *folder_of(const char *path)
{
  const char *slash = strrchr(path, '/');
  return slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
}

static int cmd_plot(int argc, char **argv)
{
  static const struct option longopts[] = {
    {"output", required_argument, NULL, 'o'}, {"metrics", required_argument, NULL, 'm'},
    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  const char *outdir = NULL, *metrics = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:m:h", longopts, NULL)) != -1) {
    if (c == 'o')
      outdir = optarg;
    else if (c == 'm')
      metrics = optarg;
    else if (c == 'h')
      return printf("usage: depinsim plot RUN.h5|SWEEP.h5 [-o DIR] [--metrics A,B]\n\n%s",
                    plot_help), 0;
    else
      return fprintf(stderr, "try 'depinsim plot --help'\n"), RUN_EXIT_BAD_INPUT;
  }
  if (optind >= argc)
    return fprintf(stderr, "depinsim plot: expected a RUN.h5 or SWEEP.h5 file, or several run "
                   "files to compare\n"), RUN_EXIT_BAD_INPUT;
  char *dir = outdir ? strdup(outdir) : folder_of(argv[optind]);
  diag_t *diag = diag_new();
  char **written = NULL;
  size_t n = 0;
  enum depin_status status;
  if (argc - optind > 1) { /* several runs on one figure */
    status = plot_compare((const char *const *)argv + optind, (size_t)(argc - optind), dir,
                          &written, &n, diag);
    goto report;
  }
  /* a sweep file (it has /points) gets the sweep figures, a run file its own */
  hid_t file = -1;
  struct h5_quiet quiet = h5_quiet_begin();
  bool sweep = runfile_open(argv[optind], &file, diag) == DEPIN_OK && plot_sweep_is_sweep(file);
  if (file >= 0)
    H5Fclose(file);
  h5_quiet_end(quiet);
  diag_free(diag);
  diag = diag_new();
  status = sweep ? plot_sweep(argv[optind], dir, metrics, &written, &n, diag)
                 : plot_run(argv[optind], dir, &written, &n, diag);
report:
  diag_print(diag, stderr);
  for (size_t i = 0; i < n; i++) {
    printf("%s\n", written[i]);
    free(written[i]);
  }
  free(written);
  free(dir);
  diag_free(diag);
  if (status == DEPIN_OK && n == 0) {
    fprintf(stderr, "%s: nothing to draw (no time series, distribution or sweep metric with "
            "values)\n", argv[optind]);
    return RUN_EXIT_FAIL;
  }
  return status == DEPIN_OK ? 0
         : status == DEPIN_ENOENT || status == DEPIN_EINVAL ? RUN_EXIT_BAD_INPUT
                                                             : RUN_EXIT_ERROR;
}

static int cmd_report(int argc, char **argv)
{
  static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
  const char *outdir = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
    if (c == 'o')
      outdir = optarg;
    else if (c == 'h')
      return printf("usage: depinsim report RUN.h5|SWEEP.h5 [more files...] [-o DIR]\n\n%s",
                    report_help), 0;
    else
      return fprintf(stderr, "try 'depinsim report --help'\n"), RUN_EXIT_BAD_INPUT;
  }
  if (optind >= argc)
    return fprintf(stderr, "depinsim report: expected one or more RUN.h5 or SWEEP.h5\n"),
           RUN_EXIT_BAD_INPUT;
  char *dir = outdir ? strdup(outdir) : folder_of(argv[optind]);
  char *html = strfmt("%s/report.html", dir);
  diag_t *diag = diag_new();
  enum depin_status st =
    report_write((const char *const *)argv + optind, (size_t)(argc - optind), html, diag);
  diag_print(diag, stderr);
  if (st == DEPIN_OK)
    printf("%s\n", html);
  diag_free(diag);
  free(html), free(dir);
  return st == DEPIN_OK ? 0
         : st == DEPIN_ENOENT || st == DEPIN_EINVAL ? RUN_EXIT_BAD_INPUT
                                                    : RUN_EXIT_ERROR;
}

static int cmd_export(int argc, char **argv)
{
  static const struct option longopts[] = {{"csv", required_argument, NULL, 'c'},
                                            {"latex", required_argument, NULL, 'l'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
  const char *csv = NULL, *latex = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    if (c == 'c')
      csv = optarg;
    else if (c == 'l')
      latex = optarg;
    else if (c == 'h')
      return printf("usage: depinsim export RUN.h5|SWEEP.h5 --csv DIR | --latex FILE\n\n%s",
                    export_help), 0;
    else
      return fprintf(stderr, "try 'depinsim export --help'\n"), RUN_EXIT_BAD_INPUT;
  }
  if (optind != argc - 1 || (!csv && !latex))
    return fprintf(stderr, "depinsim export: expected one RUN.h5 or SWEEP.h5 and --csv DIR or "
                   "--latex FILE\n"), RUN_EXIT_BAD_INPUT;
  diag_t *diag = diag_new();
  enum depin_status st = DEPIN_OK;
  if (csv) {
    char **written = NULL;
    size_t n = 0;
    st = export_csv(argv[optind], csv, &written, &n, diag);
    for (size_t i = 0; i < n; i++)
      printf("%s\n", written[i]), free(written[i]);
    free(written);
  }
  if (latex && st == DEPIN_OK && (st = export_latex(argv[optind], latex, diag)) == DEPIN_OK)
    printf("%s\n", latex);
  diag_print(diag, stderr);
  diag_free(diag);
  return st == DEPIN_OK ? 0 : st == DEPIN_EIO ? RUN_EXIT_ERROR : RUN_EXIT_BAD_INPUT;
}

/* The command line as typed, for the profile's origin. */
static char *joined(int argc, char **argv)
{
  size_t n = strlen("depinsim") + 1;
  for (int i = 0; i < argc; i++)
    n += strlen(argv[i]) + 1;
  char *s = calloc(n, 1);
  strcpy(s, "depinsim");
  for (int i = 0; i < argc; i++)
    strcat(strcat(s, " "), argv[i]);
  return s;
}

static int cmd_calibrate(int argc, char **argv)
{
  static const struct option longopts[] = {
    {"device", required_argument, NULL, 'd'}, {"output", required_argument, NULL, 'o'},
    {"quick", no_argument, NULL, 'Q'},        {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};
  struct calibrate_opts o = {.device = CALIBRATE_AUTO};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
    if (c == 'd' && calibrate_device_parse(optarg, &o.device) != DEPIN_OK)
      return fprintf(stderr, "depinsim calibrate: --device: '%s' (allowed: cuda, cpu, auto)\n",
                     optarg), RUN_EXIT_BAD_INPUT;
    else if (c == 'o')
      o.output = optarg;
    else if (c == 'Q')
      o.quick = true;
    else if (c == 'h')
      return printf("usage: depinsim calibrate [--device cuda|cpu] [-o PROFILE.yaml]\n\n%s",
                    calibrate_help), 0;
    else if (c != 'd')
      return fprintf(stderr, "try 'depinsim calibrate --help'\n"), RUN_EXIT_BAD_INPUT;
  }
  if (optind != argc)
    return fprintf(stderr, "depinsim calibrate: unexpected '%s'\n", argv[optind]),
           RUN_EXIT_BAD_INPUT;
  char *command = joined(argc, argv);
  o.command = command;
  diag_t *diag = diag_new();
  enum depin_status status = calibrate_run(&o, stdout, diag);
  diag_print(diag, stderr);
  diag_free(diag);
  free(command);
  return status == DEPIN_OK ? 0 : RUN_EXIT_ERROR;
}

static int cmd_inspect(int argc, char **argv)
{
  if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
    return printf("usage: depinsim inspect RUN.h5\n\n%s", inspect_help), 0;
  if (argc != 2)
    return fprintf(stderr, "depinsim inspect: expected one RUN.h5 file\n"), RUN_EXIT_BAD_INPUT;
  diag_t *diag = diag_new();
  enum depin_status status = inspect_print(argv[1], stdout, diag);
  diag_print(diag, stderr);
  diag_free(diag);
  return status == DEPIN_OK ? 0
         : status == DEPIN_ENOENT || status == DEPIN_EINVAL ? RUN_EXIT_BAD_INPUT
                                                             : RUN_EXIT_ERROR;
}

static const struct command commands[] = {
  {"run", cmd_run, "run SCENARIO [-o DIR] [--seed N] [--set key.path=value ...]", run_help},
  {"validate", cmd_validate, "validate SCENARIO [--set key.path=value ...]", validate_help},
  {"check", cmd_check,
   "check SCENARIO [--baseline RUN.h5] [--tolerance 5%] [--junit FILE] [run options]",
   check_help},
  {"sweep", cmd_sweep, "sweep SCENARIO [-j N] [-o DIR] [--set key.path=value ...] (or under mpirun)",
   sweep_help},
  {"plot", cmd_plot, "plot RUN.h5|SWEEP.h5 [-o DIR] [--metrics A,B]", plot_help},
  {"compare", cmd_plot, "compare RUN.h5 RUN.h5 [more...] [-o DIR]", plot_help},
  {"report", cmd_report, "report RUN.h5|SWEEP.h5 [more files...] [-o DIR]", report_help},
  {"export", cmd_export, "export RUN.h5|SWEEP.h5 --csv DIR | --latex FILE", export_help},
  {"calibrate", cmd_calibrate, "calibrate [--device cuda|cpu] [-o PROFILE.yaml] [--quick]",
   calibrate_help},
  {"inspect", cmd_inspect, "inspect RUN.h5", inspect_help},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
  fprintf(out, "depinsim %s: discrete-event simulation of DePIN networks\n\nusage:\n",
          DEPINSIM_VERSION);
  for (size_t i = 0; i < N_COMMANDS; i++)
    fprintf(out, "  depinsim %s\n", commands[i].usage);
  fprintf(out, "\n'depinsim COMMAND --help' describes a command.\n");
}

int cli_main(int argc, char **argv)
{
  if (argc < 2) {
    usage(stderr);
    return RUN_EXIT_BAD_INPUT;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("depinsim %s (%s)\n", DEPINSIM_VERSION, DEPINSIM_GIT_REVISION);
    return 0;
  }
  for (size_t i = 0; i < N_COMMANDS; i++)
    if (!strcmp(argv[1], commands[i].name))
      return commands[i].main(argc - 1, argv + 1);
  fprintf(stderr, "depinsim: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return RUN_EXIT_BAD_INPUT;
}
