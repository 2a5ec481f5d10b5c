/* controller.h: a PID controller, used to steer emissions to a target APR or utilisation in
 * place of a fixed schedule.
 *
 * u = kp e + ki integral(e dt) + kd de/dt, clamped to [out_min, out_max]; the integral stops
 * growing while the output is saturated in the error's direction (conditional integration,
 * the usual anti-windup). Plain value type. */
#ifndef DEPINSIM_PROTOCOLS_TOKEN_CONTROLLER_H
#define DEPINSIM_PROTOCOLS_TOKEN_CONTROLLER_H

#include <stdbool.h>

struct controller {
  double kp, ki, kd, out_min, out_max;
  double integral, prev_error;
  bool started;
};

void controller_init(struct controller *c, double kp, double ki, double kd, double out_min,
                     double out_max);
/* One step with error e = setpoint - measured over dt (> 0). Returns the output. Cannot fail;
 * a NaN error is treated as 0. */
double controller_step(struct controller *c, double error, double dt);

#endif
