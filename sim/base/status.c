/* status.c: descriptions of the error codes in status.h. */
#include "sim/base/status.h"

const char *depin_strerror(enum depin_status status)
{
  static const char *const text[DEPIN_STATUS_COUNT] = {
    [DEPIN_OK] = "success",
    [DEPIN_EINVAL] = "invalid input",
    [DEPIN_ENOENT] = "not found",
    [DEPIN_EIO] = "input/output error",
    [DEPIN_ENOMEM] = "out of memory or over this machine's means",
    [DEPIN_EUNSUPPORTED] = "not supported by this build or machine",
  };
  if ((unsigned)status >= DEPIN_STATUS_COUNT)
    return "unknown status";
  return text[status];
}
