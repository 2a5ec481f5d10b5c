/* table.h: a column-typed table of rows, written to HDF5 as one compound dataset
 * (/providers, /blocks, /jobs ...). Columns are fixed at creation. */
#ifndef DEPINSIM_SIM_RESULTS_TABLE_H
#define DEPINSIM_SIM_RESULTS_TABLE_H

#include <stddef.h>
#include <stdint.h>

enum column_type { COL_INT64, COL_DOUBLE, COL_STRING /* up to TABLE_STRING_MAX - 1 bytes */ };
#define TABLE_STRING_MAX 48

struct table_column {
  const char *name;
  enum column_type type;
  const char *unit; /* "" when none */
};

union table_cell {
  int64_t i;
  double d;
  const char *s; /* copied (truncated to TABLE_STRING_MAX - 1) */
};

typedef struct table table_t;

/* A new table with ncols columns (names and units copied). NULL only when out of memory. */
table_t *table_new(const char *name, size_t ncols, const struct table_column cols[]);
void table_free(table_t *t);

/* Appends one row of ncols cells, each matching its column's type. */
void table_append(table_t *t, const union table_cell row[]);

const char *table_name(const table_t *t);
size_t table_rows(const table_t *t);
size_t table_cols(const table_t *t);
const struct table_column *table_column(const table_t *t, size_t c);
/* Cell accessors for writers and tests. */
int64_t table_int(const table_t *t, size_t row, size_t col);
double table_double(const table_t *t, size_t row, size_t col);
const char *table_string(const table_t *t, size_t row, size_t col);

#endif
