/* cli.h: the `depinsim` command line: subcommands, their options and --help. */
#ifndef DEPINSIM_SIM_CLI_CLI_H
#define DEPINSIM_SIM_CLI_CLI_H

/* Runs the command in argv; returns the process exit code (see run.h). */
int cli_main(int argc, char **argv);

#endif
