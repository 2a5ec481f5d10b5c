/* test_cfg.c: the YAML toolkit (sim/base/cfg.h): positions, typed getters, did-you-mean, --set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "sim/base/cfg.h"

struct fixture {
  diag_t *diag;
  cfg_t *cfg;
};

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  f->diag = diag_new();
  *state = f;
  return f->diag ? 0 : -1;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  cfg_free(f->cfg);
  diag_free(f->diag);
  free(f);
  return 0;
}

static cfg_t *load(void **state, const char *text)
{
  struct fixture *f = *state;
  f->cfg = cfg_load_string("t.yaml", text, f->diag);
  assert_non_null(f->cfg);
  return f->cfg;
}

/* The diag list holds exactly the given lines, in order. */
static void assert_diag(void **state, size_t n, const char *const lines[])
{
  struct fixture *f = *state;
  for (size_t i = 0; i < diag_count(f->diag) && i < n; i++)
    assert_string_equal(diag_line(f->diag, i), lines[i]);
  assert_int_equal(diag_count(f->diag), n);
}

static void assert_one(void **state, const char *line)
{
  const char *lines[] = {line};
  assert_diag(state, 1, lines);
}

static struct cfg_node child(cfg_t *cfg, struct cfg_node n, const char *key)
{
  struct cfg_node out;
  assert_true(cfg_get(cfg, n, key, &out, true));
  assert_non_null(out.node);
  return out;
}

static void test_cfg_syntax_error_position(void **state)
{
  struct fixture *f = *state;
  f->cfg = cfg_load_string("t.yaml", "name: a\nregions: [x, y\nseed: 3\n", f->diag);
  assert_null(f->cfg);
  assert_true(diag_error_count(f->diag) >= 1);
  assert_string_equal(diag_line(f->diag, 0),
                      "t.yaml:4:1: YAML syntax error: flow sequence without a closing bracket");
}

static void test_cfg_syntax_error_bad_indent(void **state)
{
  struct fixture *f = *state;
  f->cfg = cfg_load_string("t.yaml", "a: 1\n  b: 2\n", f->diag);
  assert_null(f->cfg);
  assert_string_equal(diag_line(f->diag, 0),
                      "t.yaml:1:4: YAML syntax error: invalid multiline plain key");
}

static void test_cfg_missing_file(void **state)
{
  struct fixture *f = *state;
  f->cfg = cfg_load_file("/nonexistent/x.yaml", f->diag);
  assert_null(f->cfg);
  assert_one(state, "/nonexistent/x.yaml: cannot read the file (No such file or directory)");
}

static void test_cfg_positions(void **state)
{
  cfg_t *cfg = load(state, "name: a\nproviders:\n  - class: x\n    uplink: 10Gbps\n");
  struct cfg_node providers = child(cfg, cfg_root(cfg), "providers");
  struct cfg_node p0 = cfg_seq_item(providers, 0);
  assert_string_equal(p0.path, "providers[0]");
  struct cfg_node up = child(cfg, p0, "uplink");
  assert_string_equal(up.path, "providers[0].uplink");
  assert_int_equal(cfg_line(up), 4);
  assert_int_equal(cfg_col(up), 13);
  assert_int_equal(cfg_line(p0), 3);
  assert_int_equal(cfg_col(p0), 5);
  assert_string_equal(cfg_scalar(up), "10Gbps");
}

static void test_cfg_unknown_key_did_you_mean(void **state)
{
  cfg_t *cfg = load(state, "name: a\nduraton: 1h\nzzzzzz: 1\n");
  static const char *const keys[] = {"name", "duration", "seed", NULL};
  assert_false(cfg_check_keys(cfg, cfg_root(cfg), keys));
  const char *lines[] = {
    "t.yaml:2:1: duraton: unknown key 'duraton' (did you mean 'duration'?)",
    "t.yaml:3:1: zzzzzz: unknown key 'zzzzzz' (allowed: name, duration, seed)",
  };
  assert_diag(state, 2, lines);
}

static void test_cfg_check_keys_not_mapping(void **state)
{
  cfg_t *cfg = load(state, "regions:\n  - a\n  - b\n");
  static const char *const keys[] = {"name", NULL};
  struct cfg_node r = child(cfg, cfg_root(cfg), "regions");
  assert_false(cfg_check_keys(cfg, r, keys));
  assert_one(state, "t.yaml:2:5: regions: expected a mapping, got a sequence");
}

static void test_cfg_missing_required(void **state)
{
  cfg_t *cfg = load(state, "a:\n  b: 1\n");
  struct cfg_node a = child(cfg, cfg_root(cfg), "a");
  long x = 7;
  assert_false(cfg_get_int(cfg, a, "count", &x, 0, 10, true));
  assert_true(cfg_get_int(cfg, a, "other", &x, 0, 10, false));
  assert_int_equal(x, 7);
  assert_one(state, "t.yaml:2:3: a.count: missing required key");
}

static void test_cfg_int(void **state)
{
  cfg_t *cfg = load(state, "a: 12\nb: 1.5\nc: -3\nd: [1]\n");
  struct cfg_node root = cfg_root(cfg);
  long x = 0;
  assert_true(cfg_get_int(cfg, root, "a", &x, 0, LONG_MAX, true));
  assert_int_equal(x, 12);
  assert_false(cfg_get_int(cfg, root, "b", &x, 0, LONG_MAX, true));
  assert_false(cfg_get_int(cfg, root, "c", &x, 1, LONG_MAX, true));
  assert_false(cfg_get_int(cfg, root, "d", &x, 1, LONG_MAX, true));
  assert_int_equal(x, 12);
  const char *lines[] = {
    "t.yaml:2:4: b: expected an integer, got '1.5'",
    "t.yaml:3:4: c: '-3' is out of range (allowed: >= 1)",
    "t.yaml:4:5: d: expected an integer, got a sequence",
  };
  assert_diag(state, 3, lines);
}

static void test_cfg_string_bool_enum(void **state)
{
  cfg_t *cfg =
    load(state, "s: hello\ne:\nb: true\nc: yes\nk: gosip\nj: flood\n");
  struct cfg_node root = cfg_root(cfg);
  char *s = NULL;
  assert_true(cfg_get_string(cfg, root, "s", &s, true));
  assert_string_equal(s, "hello");
  free(s);
  s = NULL;
  assert_false(cfg_get_string(cfg, root, "e", &s, true));
  assert_null(s);
  bool b = false;
  assert_true(cfg_get_bool(cfg, root, "b", &b, true));
  assert_true(b);
  assert_false(cfg_get_bool(cfg, root, "c", &b, true));
  static const char *const kinds[] = {"gossip", "flood", NULL};
  int k = -1;
  assert_false(cfg_get_enum(cfg, root, "k", kinds, &k, true));
  assert_true(cfg_get_enum(cfg, root, "j", kinds, &k, true));
  assert_int_equal(k, 1);
  const char *lines[] = {
    "t.yaml:2:1: e: expected a string, got an empty value",
    "t.yaml:4:4: c: expected true or false, got 'yes' (allowed: true, false)",
    "t.yaml:5:4: k: unknown value 'gosip' (did you mean 'gossip'?)",
  };
  assert_diag(state, 3, lines);
}

static void test_cfg_quantity(void **state)
{
  cfg_t *cfg = load(state, "up: 10Gbps\nbad: 10Gbs\nbare: 250\nzero: 0s\nfrac: 2/3\n"
                           "big: 1.5\n");
  struct cfg_node root = cfg_root(cfg);
  double v = -1;
  assert_true(cfg_get_quantity(cfg, root, "up", UNIT_BANDWIDTH, CFG_POSITIVE, DBL_MAX, &v, true));
  assert_true(v == 1.25e9);
  assert_false(cfg_get_quantity(cfg, root, "bad", UNIT_BANDWIDTH, 0, DBL_MAX, &v, true));
  assert_false(cfg_get_quantity(cfg, root, "bare", UNIT_TIME, 0, DBL_MAX, &v, true));
  assert_false(cfg_get_quantity(cfg, root, "zero", UNIT_TIME, CFG_POSITIVE, DBL_MAX, &v, true));
  assert_true(cfg_get_quantity(cfg, root, "frac", UNIT_NUMBER, 0, 1, &v, true));
  assert_true(v == 2.0 / 3);
  assert_false(cfg_get_quantity(cfg, root, "big", UNIT_NUMBER, 0, 1, &v, true));
  assert_true(cfg_get_quantity(cfg, root, "absent", UNIT_TIME, 0, DBL_MAX, &v, false));
  assert_true(v == 2.0 / 3);
  const char *lines[] = {
    "t.yaml:2:6: bad: '10Gbs': unknown unit (allowed: bps Kbps Mbps Gbps Tbps B/s KB/s MB/s "
    "GB/s TB/s KiB/s MiB/s GiB/s TiB/s Bps KBps MBps GBps TBps KiBps MiBps GiBps TiBps)",
    "t.yaml:3:7: bare: '250': a time needs a unit (allowed: us ms s min h d)",
    "t.yaml:4:7: zero: '0s' is out of range (allowed: > 0)",
    "t.yaml:6:6: big: '1.5' is out of range (allowed: 0 to 1)",
  };
  assert_diag(state, 4, lines);
}

static void test_cfg_seq_of_scalar(void **state)
{
  cfg_t *cfg = load(state, "one: us-east\nmany: [a, b, c]\n");
  struct cfg_node one = child(cfg, cfg_root(cfg), "one");
  struct cfg_node many = child(cfg, cfg_root(cfg), "many");
  assert_int_equal(cfg_seq_count(one), 1);
  assert_string_equal(cfg_scalar(cfg_seq_item(one, 0)), "us-east");
  assert_int_equal(cfg_seq_count(many), 3);
  assert_string_equal(cfg_scalar(cfg_seq_item(many, 2)), "c");
  assert_string_equal(cfg_seq_item(many, 2).path, "many[2]");
  assert_null(cfg_seq_item(many, 3).node);
  assert_int_equal(cfg_map_count(cfg_root(cfg)), 2);
  assert_string_equal(cfg_map_key(cfg_root(cfg), 1), "many");
  assert_string_equal(cfg_map_value(cfg_root(cfg), 1).path, "many");
}

static void test_cfg_anchors_and_merge_keys(void **state)
{
  cfg_t *cfg = load(state, "defaults: &d {uplink: 1Gbps, latency: 5ms}\n"
                           "p:\n  <<: *d\n  latency: 9ms\n"
                           "q: *d\n");
  struct cfg_node p = child(cfg, cfg_root(cfg), "p");
  assert_string_equal(cfg_scalar(child(cfg, p, "uplink")), "1Gbps");
  assert_string_equal(cfg_scalar(child(cfg, p, "latency")), "9ms");
  struct cfg_node q = child(cfg, cfg_root(cfg), "q");
  assert_true(cfg_is_mapping(q));
  assert_string_equal(cfg_scalar(child(cfg, q, "latency")), "5ms");
}

static void test_cfg_duplicate_key(void **state)
{
  struct fixture *f = *state;
  f->cfg = cfg_load_string("t.yaml", "a: 1\nb: 2\na: 3\n", f->diag);
  assert_null(f->cfg);
  assert_int_equal(diag_count(f->diag), 1);
  assert_string_equal(diag_line(f->diag, 0), "t.yaml:3:1: YAML syntax error: duplicate key");
}

static void test_cfg_closest(void **state)
{
  (void)state;
  static const char *const words[] = {"providers", "regions", "duration", "tps", NULL};
  assert_string_equal(cfg_closest("provders", words), "providers");
  assert_string_equal(cfg_closest("regoins", words), "regions");
  assert_string_equal(cfg_closest("tsp", words), "tps");
  assert_null(cfg_closest("xyz", words));
  assert_null(cfg_closest("completely-different", words));
}

static const char *const sample =
  "name: a\n"
  "providers:\n"
  "  - class: dc-h100\n"
  "    count: 500\n"
  "  - class: home-4090\n"
  "    count: 20000\n"
  "    availability: {mtbf: 36h, mttr: 8h}\n"
  "regions:\n"
  "  - {name: us-east, backbone: 100Gbps}\n";

static long get_count(cfg_t *cfg, size_t i)
{
  struct cfg_node p = cfg_seq_item(child(cfg, cfg_root(cfg), "providers"), i);
  long x = -1;
  assert_true(cfg_get_int(cfg, p, "count", &x, 0, LONG_MAX, true));
  return x;
}

static void test_cfg_set_scalar(void **state)
{
  cfg_t *cfg = load(state, sample);
  assert_true(cfg_set(cfg, "name=b"));
  assert_string_equal(cfg_scalar(child(cfg, cfg_root(cfg), "name")), "b");
  char *text = cfg_emit(cfg);
  assert_non_null(strstr(text, "name: b"));
  free(text);
  assert_diag(state, 0, NULL);
}

static void test_cfg_set_by_class_and_index(void **state)
{
  cfg_t *cfg = load(state, sample);
  assert_true(cfg_set(cfg, "providers.home-4090.count=5000"));
  assert_true(cfg_set(cfg, "providers.0.count=7"));
  assert_int_equal(get_count(cfg, 1), 5000);
  assert_int_equal(get_count(cfg, 0), 7);
  assert_true(cfg_set(cfg, "regions.us-east.backbone=40Gbps"));
  struct cfg_node r = cfg_seq_item(child(cfg, cfg_root(cfg), "regions"), 0);
  assert_string_equal(cfg_scalar(child(cfg, r, "backbone")), "40Gbps");
}

static void test_cfg_set_nested_and_new_key(void **state)
{
  cfg_t *cfg = load(state, sample);
  assert_true(cfg_set(cfg, "providers.home-4090.availability.mtbf=72h"));
  assert_true(cfg_set(cfg, "providers.dc-h100.availability={mtbf: 720h, mttr: 2h}"));
  assert_true(cfg_set(cfg, "seed=9"));
  assert_true(cfg_set(cfg, "providers.dc-h100.region=[us-east, eu-west]"));
  struct cfg_node p1 = cfg_seq_item(child(cfg, cfg_root(cfg), "providers"), 1);
  assert_string_equal(cfg_scalar(child(cfg, child(cfg, p1, "availability"), "mtbf")), "72h");
  struct cfg_node p0 = cfg_seq_item(child(cfg, cfg_root(cfg), "providers"), 0);
  assert_string_equal(cfg_scalar(child(cfg, child(cfg, p0, "availability"), "mttr")), "2h");
  assert_int_equal(cfg_seq_count(child(cfg, p0, "region")), 2);
  assert_string_equal(cfg_scalar(child(cfg, cfg_root(cfg), "seed")), "9");
  assert_diag(state, 0, NULL);
}

static void test_cfg_set_bad_path(void **state)
{
  cfg_t *cfg = load(state, sample);
  assert_false(cfg_set(cfg, "providers.home-409.count=5"));
  assert_false(cfg_set(cfg, "name.x=5"));
  assert_false(cfg_set(cfg, "seed"));
  assert_false(cfg_set(cfg, "a..b=1"));
  assert_false(cfg_set(cfg, "seed="));
  assert_false(cfg_set(cfg, "providers.7.count=1"));
  assert_false(cfg_set(cfg, "name=[a, b"));
  const char *lines[] = {
    "--set providers.home-409.count=5: no item 'home-409' in 'providers' (an index below 2, "
    "or a class or name)",
    "--set name.x=5: 'name' is a scalar, not a mapping or a sequence",
    "--set seed: expected key.path=value",
    "--set a..b=1: empty component in the key path",
    "--set seed=: no value after '='",
    "--set providers.7.count=1: no item '7' in 'providers' (an index below 2, or a class or "
    "name)",
    "--set name=[a, b: the value is not valid YAML",
  };
  assert_diag(state, 7, lines);
}

/* Mappings the path names that the document lacks are created; the reader of the section
 * refuses a misspelt one as it would in a file. */
static void test_cfg_set_creates_missing_mappings(void **state)
{
  cfg_t *cfg = load(state, sample);
  assert_true(cfg_set(cfg, "network.overlay.outbound=3"));
  assert_true(cfg_set(cfg, "network.tcp_window=1MiB"));
  struct cfg_node network = child(cfg, cfg_root(cfg), "network");
  assert_string_equal(cfg_scalar(child(cfg, child(cfg, network, "overlay"), "outbound")), "3");
  assert_string_equal(cfg_scalar(child(cfg, network, "tcp_window")), "1MiB");
  /* the value keeps its own meaning inside the mappings made for it */
  assert_true(cfg_set(cfg, "extra.deep.note=x, y"));
  struct cfg_node deep = child(cfg, child(cfg, cfg_root(cfg), "extra"), "deep");
  assert_string_equal(cfg_scalar(child(cfg, deep, "note")), "x, y");
  assert_diag(state, 0, NULL);
}

static void test_cfg_set_error_names_override(void **state)
{
  cfg_t *cfg = load(state, sample);
  assert_true(cfg_set(cfg, "providers.dc-h100.count=lots"));
  assert_int_equal(diag_count(((struct fixture *)*state)->diag), 0);
  struct cfg_node p = cfg_seq_item(child(cfg, cfg_root(cfg), "providers"), 0);
  long x;
  assert_false(cfg_get_int(cfg, p, "count", &x, 0, LONG_MAX, true));
  assert_one(state, "--set providers.dc-h100.count=lots: providers[0].count: expected an "
                    "integer, got 'lots'");
}

/* Invalid UTF-8 never reaches libfyaml, which hangs on "%" and a byte of 0x80 or more; the
 * same through --set. Control characters and NUL bytes are refused at their position. */
static void test_cfg_refuses_bytes_that_are_not_text(void **state)
{
  struct fixture *f = *state;
  f->cfg = cfg_load_string("t.yaml", "%\xf6", f->diag);
  assert_null(f->cfg);
  assert_one(state, "t.yaml:1:2: byte 0xf6 is not text (allowed: UTF-8 without control "
                    "characters other than tab and line ends)");
  diag_free(f->diag), f->diag = diag_new();
  f->cfg = cfg_load_string("t.yaml", "name: a\nseed: \x01\n", f->diag);
  assert_null(f->cfg);
  assert_true(diag_contains(f->diag, "t.yaml:2:7: byte 0x01 is not text"));
  diag_free(f->diag), f->diag = diag_new();
  char path[] = "/tmp/depinsim-cfg-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0 && write(fd, "name: a\0b\n", 10) == 10);
  close(fd);
  f->cfg = cfg_load_file(path, f->diag);
  assert_null(f->cfg);
  assert_true(diag_contains(f->diag, ":1:8: byte 0x00 is not text"));
  unlink(path);
  diag_free(f->diag), f->diag = diag_new();
  f->cfg = cfg_load_string("t.yaml", "name: caf\xc3\xa9\n", f->diag); /* UTF-8 is text */
  assert_non_null(f->cfg);
  assert_false(cfg_set(f->cfg, "name=%\xf6"));
  assert_true(diag_contains(f->diag, "--set name=%"));
  assert_true(diag_contains(f->diag, "the value is not text"));
}

/* Nested aliases that would expand to a billion nodes are refused before libfyaml resolves
 * them, in a few milliseconds. */
static void test_cfg_refuses_alias_bombs(void **state)
{
  struct fixture *f = *state;
  char text[2048] = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; i++) {
    size_t len = strlen(text);
    snprintf(text + len, sizeof(text) - len, "a%d: &a%d [", i, i);
    for (int k = 0; k < 10; k++) {
      len = strlen(text);
      snprintf(text + len, sizeof(text) - len, "%s*a%d", k ? ", " : "", i - 1);
    }
    strcat(text, "]\n");
  }
  f->cfg = cfg_load_string("t.yaml", text, f->diag);
  assert_null(f->cfg);
  assert_true(diag_contains(f->diag, "t.yaml: its aliases expand to more than 1000000 nodes"));
  diag_free(f->diag), f->diag = diag_new();
  f->cfg = cfg_load_string("t.yaml", "name: a\n", f->diag);
  assert_non_null(f->cfg);
  assert_false(cfg_set(f->cfg, "name={a: &a [x, x, x, x, x, x, x, x, x, x], "
                              "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a], "
                              "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b], "
                              "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c], "
                              "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d], "
                              "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e]}"));
  assert_true(diag_contains(f->diag, "its aliases expand"));
}

/* A file larger than any scenario is refused after CFG's limit, not read to its end. */
static void test_cfg_refuses_endless_files(void **state)
{
  struct fixture *f = *state;
  f->cfg = cfg_load_file("/dev/zero", f->diag);
  assert_null(f->cfg);
  assert_one(state, "/dev/zero: larger than 16 MiB (allowed: a scenario's size)");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
    T(test_cfg_syntax_error_position),   T(test_cfg_syntax_error_bad_indent),
    T(test_cfg_missing_file),            T(test_cfg_positions),
    T(test_cfg_unknown_key_did_you_mean), T(test_cfg_check_keys_not_mapping),
    T(test_cfg_missing_required),        T(test_cfg_int),
    T(test_cfg_string_bool_enum),        T(test_cfg_quantity),
    T(test_cfg_seq_of_scalar),           T(test_cfg_closest),
    T(test_cfg_anchors_and_merge_keys),  T(test_cfg_duplicate_key),
    T(test_cfg_set_scalar),              T(test_cfg_set_by_class_and_index),
    T(test_cfg_set_nested_and_new_key),  T(test_cfg_set_bad_path),
    T(test_cfg_set_creates_missing_mappings),
    T(test_cfg_set_error_names_override),
    T(test_cfg_refuses_bytes_that_are_not_text),
    T(test_cfg_refuses_alias_bombs),
    T(test_cfg_refuses_endless_files),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
