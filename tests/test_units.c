/* test_units.c: quantities with units (sim/base/units.h) to base units, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "sim/base/units.h"

static double parse_ok(const char *text, enum unit_kind kind)
{
  double v = -12345;
  const char *why = NULL;
  int rc = units_parse(text, kind, &v, &why);
  if (rc != 0)
    fail_msg("'%s' refused: %s", text, why);
  return v;
}

static void assert_refused(const char *text, enum unit_kind kind, const char *expected_why)
{
  double v = -12345;
  const char *why = NULL;
  assert_int_equal(units_parse(text, kind, &v, &why), -1);
  assert_non_null(why);
  assert_string_equal(why, expected_why);
  assert_true(v == -12345); /* *out unchanged */
}

static void test_units_time(void **state)
{
  (void)state;
  assert_true(parse_ok("250ms", UNIT_TIME) == 0.25);
  assert_true(parse_ok("2s", UNIT_TIME) == 2.0);
  assert_true(parse_ok("5min", UNIT_TIME) == 300.0);
  assert_true(parse_ok("720h", UNIT_TIME) == 720 * 3600.0);
  assert_true(parse_ok("1.5 h", UNIT_TIME) == 5400.0);
  assert_float_equal(parse_ok("10us", UNIT_TIME), 10e-6, 1e-18);
  assert_true(parse_ok("1d", UNIT_TIME) == 86400.0);
}

static void test_units_size(void **state)
{
  (void)state;
  assert_true(parse_ok("32MiB", UNIT_SIZE) == 33554432.0);
  assert_true(parse_ok("32KiB", UNIT_SIZE) == 32768.0);
  assert_true(parse_ok("1GiB", UNIT_SIZE) == 1073741824.0);
  assert_true(parse_ok("32MB", UNIT_SIZE) == 32e6);
  assert_true(parse_ok("250B", UNIT_SIZE) == 250.0);
  assert_true(parse_ok("4KB", UNIT_SIZE) == 4000.0);
  assert_true(parse_ok("2GB", UNIT_SIZE) == 2e9);
}

static void test_units_bandwidth(void **state)
{
  (void)state;
  assert_true(parse_ok("10Gbps", UNIT_BANDWIDTH) == 1.25e9);
  assert_true(parse_ok("50Mbps", UNIT_BANDWIDTH) == 6.25e6);
  assert_true(parse_ok("8Kbps", UNIT_BANDWIDTH) == 1000.0);
  assert_true(parse_ok("800bps", UNIT_BANDWIDTH) == 100.0);
  assert_true(parse_ok("35MB/s", UNIT_BANDWIDTH) == 35e6);
  assert_true(parse_ok("50GB/s", UNIT_BANDWIDTH) == 50e9);
  assert_true(parse_ok("1MiB/s", UNIT_BANDWIDTH) == 1048576.0);
  assert_true(parse_ok("3MBps", UNIT_BANDWIDTH) == 3e6);
}

static void test_units_rate(void **state)
{
  (void)state;
  assert_true(parse_ok("11000/s", UNIT_RATE) == 11000.0);
  assert_true(parse_ok("120/min", UNIT_RATE) == 2.0);
  assert_true(parse_ok("10/h", UNIT_RATE) == 10.0 / 3600);
}

static void test_units_number(void **state)
{
  (void)state;
  assert_true(parse_ok("11000", UNIT_NUMBER) == 11000.0);
  assert_true(parse_ok("70e9", UNIT_NUMBER) == 70e9);
  assert_true(parse_ok("0.5", UNIT_NUMBER) == 0.5);
  assert_true(parse_ok("-3", UNIT_NUMBER) == -3.0);
  assert_true(parse_ok("2/3", UNIT_NUMBER) == 2.0 / 3);
  assert_true(parse_ok("5%", UNIT_NUMBER) == 0.05);
}

static void test_units_unknown_unit(void **state)
{
  (void)state;
  assert_refused("10Gbs", UNIT_BANDWIDTH, "unknown unit");
  assert_refused("5 furlongs", UNIT_TIME, "unknown unit");
  assert_refused("10ms", UNIT_BANDWIDTH, "a unit of another kind of quantity");
  assert_refused("10Gbps", UNIT_SIZE, "a unit of another kind of quantity");
  assert_refused("3 apples", UNIT_NUMBER, "unknown unit");
  assert_refused("3s", UNIT_NUMBER, "a plain number takes no unit");
}

static void test_units_missing_unit(void **state)
{
  (void)state;
  assert_refused("250", UNIT_TIME, "a time needs a unit");
  assert_refused("32", UNIT_SIZE, "a size needs a unit");
  assert_refused("10", UNIT_BANDWIDTH, "a bandwidth needs a unit");
  assert_refused("11000", UNIT_RATE, "a rate needs a unit");
}

static void test_units_garbage(void **state)
{
  (void)state;
  assert_refused("", UNIT_NUMBER, "empty value");
  assert_refused("   ", UNIT_TIME, "empty value");
  assert_refused("fast", UNIT_TIME, "not a number");
  assert_refused("nan", UNIT_NUMBER, "not a number");
  assert_refused("inf", UNIT_NUMBER, "not a number");
  assert_refused("-nan", UNIT_NUMBER, "not a finite number");
  assert_refused("0x10s", UNIT_TIME, "not a number");
  assert_refused("1e999", UNIT_NUMBER, "not a finite number");
  assert_refused("1e308TB", UNIT_SIZE, "not a finite number");
  assert_refused("2/0", UNIT_NUMBER, "division by zero");
  assert_refused("2/3/4", UNIT_NUMBER, "a fraction is two numbers, as in 2/3");
}

static void test_units_kind_of(void **state)
{
  (void)state;
  assert_int_equal(units_kind_of("50GB/s"), UNIT_BANDWIDTH);
  assert_int_equal(units_kind_of("2s"), UNIT_TIME);
  assert_int_equal(units_kind_of("11000"), UNIT_NUMBER);
  assert_int_equal(units_kind_of("2/3"), UNIT_NUMBER);
  assert_int_equal(units_kind_of("11000/s"), UNIT_RATE);
  assert_int_equal(units_kind_of("32MiB"), UNIT_SIZE);
  assert_int_equal(units_kind_of("3 parsecs"), -1);
}

static void test_units_format(void **state)
{
  (void)state;
  char buf[32];
  assert_string_equal(units_format(2.75e6, UNIT_BANDWIDTH, buf, sizeof(buf)), "2.75 MB/s");
  assert_string_equal(units_format(5400, UNIT_TIME, buf, sizeof(buf)), "1.5 h");
  assert_string_equal(units_format(33554432, UNIT_SIZE, buf, sizeof(buf)), "32 MiB");
  assert_string_equal(units_format(32e6, UNIT_SIZE, buf, sizeof(buf)), "32 MB");
  assert_string_equal(units_format(0.25, UNIT_TIME, buf, sizeof(buf)), "250 ms");
  assert_string_equal(units_format(11000, UNIT_RATE, buf, sizeof(buf)), "11000/s");
  assert_string_equal(units_format(0.5, UNIT_NUMBER, buf, sizeof(buf)), "0.5");
  assert_string_equal(units_allowed(UNIT_TIME), "us ms s min h d");
  assert_string_equal(units_base_symbol(UNIT_BANDWIDTH), "B/s");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_units_time),          cmocka_unit_test(test_units_size),
    cmocka_unit_test(test_units_bandwidth),     cmocka_unit_test(test_units_rate),
    cmocka_unit_test(test_units_number),        cmocka_unit_test(test_units_unknown_unit),
    cmocka_unit_test(test_units_missing_unit),  cmocka_unit_test(test_units_garbage),
    cmocka_unit_test(test_units_kind_of),       cmocka_unit_test(test_units_format),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
