/* table.c: a column-typed table, stored column by column in arrays that double as they fill. */
#include "sim/results/table.h"

#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

union column_data {
  int64_t *i;
  double *d;
  char (*s)[TABLE_STRING_MAX];
  void *any;
};

struct table {
  char *name;
  size_t ncols, rows, cap;
  struct table_column *cols; /* names and units owned */
  union column_data *data;
};

static size_t cell_size(enum column_type type)
{
  switch (type) {
  case COL_INT64: return sizeof(int64_t);
  case COL_DOUBLE: return sizeof(double);
  case COL_STRING: return TABLE_STRING_MAX;
  }
  xbt_die("unknown column type %d", (int)type);
}

table_t *table_new(const char *name, size_t ncols, const struct table_column cols[])
{
  table_t *t = calloc(1, sizeof(*t));
  if (!t)
    return NULL;
  t->ncols = ncols;
  t->name = strdup(name);
  t->cols = calloc(ncols ? ncols : 1, sizeof(*t->cols));
  t->data = calloc(ncols ? ncols : 1, sizeof(*t->data));
  if (!t->name || !t->cols || !t->data)
    goto fail;
  for (size_t c = 0; c < ncols; c++) {
    t->cols[c].type = cols[c].type;
    t->cols[c].name = strdup(cols[c].name);
    t->cols[c].unit = strdup(cols[c].unit ? cols[c].unit : "");
    if (!t->cols[c].name || !t->cols[c].unit)
      goto fail;
  }
  return t;
fail:
  table_free(t);
  return NULL;
}

void table_free(table_t *t)
{
  if (!t)
    return;
  for (size_t c = 0; t->cols && c < t->ncols; c++) {
    free((char *)t->cols[c].name);
    free((char *)t->cols[c].unit);
    if (t->data)
      free(t->data[c].any);
  }
  free(t->cols);
  free(t->data);
  free(t->name);
  free(t);
}

static void grow(table_t *t)
{
  size_t cap = t->cap ? 2 * t->cap : 64;
  for (size_t c = 0; c < t->ncols; c++) {
    void *p = realloc(t->data[c].any, cap * cell_size(t->cols[c].type));
    xbt_assert(p, "out of memory growing table %s to %zu rows", t->name, cap);
    t->data[c].any = p;
  }
  t->cap = cap;
}

void table_append(table_t *t, const union table_cell row[])
{
  if (t->rows == t->cap)
    grow(t);
  size_t r = t->rows;
  for (size_t c = 0; c < t->ncols; c++) {
    switch (t->cols[c].type) {
    case COL_INT64: t->data[c].i[r] = row[c].i; break;
    case COL_DOUBLE: t->data[c].d[r] = row[c].d; break;
    case COL_STRING:
      /* strncpy pads the cell with zeros, so the stored bytes never depend on old memory */
      strncpy(t->data[c].s[r], row[c].s ? row[c].s : "", TABLE_STRING_MAX - 1);
      t->data[c].s[r][TABLE_STRING_MAX - 1] = '\0';
      break;
    }
  }
  t->rows++;
}

const char *table_name(const table_t *t)
{
  return t->name;
}

size_t table_rows(const table_t *t)
{
  return t->rows;
}

size_t table_cols(const table_t *t)
{
  return t->ncols;
}

const struct table_column *table_column(const table_t *t, size_t c)
{
  xbt_assert(c < t->ncols, "table %s: column %zu of %zu", t->name, c, t->ncols);
  return &t->cols[c];
}

static void check_cell(const table_t *t, size_t row, size_t col, enum column_type type)
{
  xbt_assert(row < t->rows && col < t->ncols, "table %s: cell (%zu, %zu) outside %zu x %zu",
             t->name, row, col, t->rows, t->ncols);
  xbt_assert(t->cols[col].type == type, "table %s: column %s read as the wrong type", t->name,
             t->cols[col].name);
}

int64_t table_int(const table_t *t, size_t row, size_t col)
{
  check_cell(t, row, col, COL_INT64);
  return t->data[col].i[row];
}

double table_double(const table_t *t, size_t row, size_t col)
{
  check_cell(t, row, col, COL_DOUBLE);
  return t->data[col].d[row];
}

const char *table_string(const table_t *t, size_t row, size_t col)
{
  check_cell(t, row, col, COL_STRING);
  return t->data[col].s[row];
}
