/* test_controller.c: the PID controller in a simple closed loop, and the fee split. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protocols/token/controller.h"
#include "protocols/token/fees.h"
#include "protocols/token/treasury.h"
#include "testutil.h"

/* Plant: a first-order lag y' = (2u - y) / tau with tau = 5, stepped with dt = 1. A PI
 * controller must bring y to the setpoint 3 and hold it there, with no steady-state error. */
static void test_controller_converges(void **state)
{
  (void)state;
  struct controller c;
  controller_init(&c, 0.5, 0.2, 0.0, -100, 100);
  double y = 0, setpoint = 3;
  for (int k = 0; k < 400; k++) {
    double u = controller_step(&c, setpoint - y, 1.0);
    y += (2 * u - y) / 5.0;
  }
  assert_rel(y, setpoint, 1e-6);
}

/* Saturated output: the integral does not wind up, so the loop recovers quickly. */
static void test_controller_antiwindup(void **state)
{
  (void)state;
  struct controller c;
  controller_init(&c, 0.0, 1.0, 0.0, 0.0, 1.0);
  for (int k = 0; k < 1000; k++)
    assert_true(controller_step(&c, 10, 1.0) <= 1.0);
  assert_true(c.integral <= 1.0 + 10); /* stopped growing once saturated */
  assert_true(controller_step(&c, -20, 1.0) < 1.0);
}

/* io.net-style fees on a 100 USD job: user pays 100.25, provider receives 100 x (1 - 0.0025 -
 * 0.02 take - 0.02 payment fee) = 95.75; the protocol keeps 4.5, half bought back. */
static void test_controller_fee_split(void **state)
{
  (void)state;
  struct fee_params f = {.take_rate = 0.02, .reservation = FEES_IONET_RESERVATION,
                         .payment_fee = FEES_IONET_PAYMENT_USDC, .buyback_share = 0.5};
  assert_null(fees_check(&f));
  struct fee_split s = fees_split(&f, 100);
  assert_rel(s.user_usd, 100.25, 1e-12);
  assert_rel(s.provider_usd, 95.75, 1e-12);
  assert_rel(s.protocol_usd, 4.5, 1e-12);
  assert_rel(s.buyback_usd, 2.25, 1e-12);
  double fee;
  assert_rel(fees_bme(100, FEES_RENDER_BME_FEE, &fee), 95, 1e-12);
  assert_rel(fee, 5, 1e-12);
  f.take_rate = 2;
  assert_non_null(fees_check(&f));
}

static void test_controller_treasury_runway(void **state)
{
  (void)state;
  struct treasury t = {.usd = 100, .burn_usd_per_s = 1};
  assert_rel(treasury_runway_s(&t, 50, 2.0), 200, 1e-12);
  assert_rel(treasury_expenses(&t, 150), 50, 1e-12); /* 100 paid, 50 owed */
  treasury_settle(&t, 50, 30);
  assert_rel(t.unpaid_usd, 20, 1e-12);
  assert_rel(t.spent_usd, 130, 1e-12);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_controller_converges),
    cmocka_unit_test(test_controller_antiwindup),
    cmocka_unit_test(test_controller_fee_split),
    cmocka_unit_test(test_controller_treasury_runway),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
