/* h5.c: HDF5's error printing off and on, and link existence (see h5.h). */
#include "sim/results/h5.h"

struct h5_quiet h5_quiet_begin(void)
{
  struct h5_quiet saved = {0};
  H5Eget_auto2(H5E_DEFAULT, &saved.func, &saved.data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  return saved;
}

void h5_quiet_end(struct h5_quiet saved)
{
  H5Eset_auto2(H5E_DEFAULT, saved.func, saved.data);
}

bool h5_exists(hid_t loc, const char *name)
{
  return H5Lexists(loc, name, H5P_DEFAULT) > 0;
}
