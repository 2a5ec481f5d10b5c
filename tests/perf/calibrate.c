/* calibrate.c: a stand-alone front end to calibrate_run, for machines without the depinsim CLI
 * (gpu/run-on-gpu.sh uses it). Usage: calibrate [--device auto|cuda|cpu] [-o PROFILE.yaml]
 * [--quick]. Prints the figures on stdout, errors on stderr; exits 0 on success. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu/calibrate.h"

int main(int argc, char **argv)
{
  struct calibrate_opts opts = {.device = CALIBRATE_AUTO};
  char command[1024];
  snprintf(command, sizeof command, "%s", argv[0]);
  for (int i = 1; i < argc; i++) {
    size_t used = strlen(command);
    snprintf(command + used, sizeof command - used, " %s", argv[i]);
  }
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--device") && i + 1 < argc) {
      if (calibrate_device_parse(argv[++i], &opts.device) != DEPIN_OK) {
        fprintf(stderr, "calibrate: --device %s: not a device (allowed: auto, cuda, cpu)\n",
                argv[i]);
        return 2;
      }
    } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
      opts.output = argv[++i];
    } else if (!strcmp(argv[i], "--quick")) {
      opts.quick = true;
    } else {
      fprintf(stderr, "usage: calibrate [--device auto|cuda|cpu] [-o PROFILE.yaml] [--quick]\n");
      return 2;
    }
  }
  opts.command = command;
  diag_t *diag = diag_new();
  enum depin_status st = calibrate_run(&opts, stdout, diag);
  diag_print(diag, stderr);
  diag_free(diag);
  if (st != DEPIN_OK)
    fprintf(stderr, "calibrate: %s\n", depin_strerror(st));
  return st == DEPIN_OK ? 0 : 1;
}
