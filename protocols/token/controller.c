/* controller.c: PID with clamped output and conditional integration. */
#include "protocols/token/controller.h"

#include <math.h>
#include <string.h>

void controller_init(struct controller *c, double kp, double ki, double kd, double out_min,
                     double out_max)
{
  memset(c, 0, sizeof *c);
  c->kp = kp;
  c->ki = ki;
  c->kd = kd;
  c->out_min = out_min;
  c->out_max = out_max;
}

double controller_step(struct controller *c, double error, double dt)
{
  if (isnan(error))
    error = 0;
  double derivative = c->started && dt > 0 ? (error - c->prev_error) / dt : 0;
  double integral = c->integral + error * dt;
  double u = c->kp * error + c->ki * integral + c->kd * derivative;
  bool high = u > c->out_max, low = u < c->out_min;
  if (!(high && error > 0) && !(low && error < 0))
    c->integral = integral; /* integrate unless it would wind up further */
  c->prev_error = error;
  c->started = true;
  return fmin(c->out_max, fmax(c->out_min, u));
}
