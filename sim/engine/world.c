/* world.c: one run: platform, providers, layers, availability and sampling (world.h).
 *
 * The engine runs in slices driven from maestro: each slice ends at the next metrics sample,
 * the next host failure or repair, the next tick a layer registered (world_every) or the end
 * of the run. Between slices the world turns hosts off and on, runs the ticks (the token
 * economy's epochs, which switch spare hosts), samples the time series and redraws the
 * progress line, so neither the availability schedule nor the sampler needs an actor.
 *
 * A host is on when its availability schedule says up and it is not a spare: the schedule
 * runs for every host, spares included, so a spare that joins comes up in the state its
 * schedule has reached. */
#include "sim/engine/world.h"

#include <math.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <xbt/asserts.h>
#include <xbt/log.h>

#include "sim/base/strfmt.h"
#include "sim/engine/availability.h"
#include "sim/engine/platform.h"
#include "sim/engine/platform_check.h"
#include "sim/engine/progress.h"
#include "sim/results/h5.h"

XBT_LOG_NEW_DEFAULT_CATEGORY(world, "depinsim world");

struct world_tick {
  double period, next;
  world_tick_fn fn;
  void *ctx;
};

const struct metric_def world_metrics[] = {
  {"providers", UNIT_NUMBER, "", "provider hosts in the platform (spares included)"},
  {"availability", UNIT_NUMBER, "", "mean fraction of providers' time up, out of the time they "
   "were not spares, after warm-up"},
  {"availability_bound", UNIT_NUMBER, "", "stationary availability MTBF/(MTBF+MTTR), averaged"},
  {"simgrid_activities", UNIT_NUMBER, "", "communications and executions the layers started"},
  {"providers_active_final", UNIT_NUMBER, "", "provider hosts that are not spares at the end"},
  {NULL, 0, NULL, NULL},
};

/* Engine options: CM02 gives flows their links' full bandwidth and latency (SimGrid's default
 * LV08 multiplies latency by 13.01 and bandwidth by 0.97 to mimic TCP, which would hide the
 * closed forms the tests check); small stacks without guard pages let 100,000 actors start. */
static const char *const engine_options[] = {
  "--cfg=network/model:CM02",
  "--cfg=contexts/stack-size:64",
  "--cfg=contexts/guard-size:0",
  "--log=root.thres:warning",
  "--log=ker_engine.thres:error",
};

/* SimGrid's max-min solver walks linked constraints recursively on maestro's stack; with
 * tens of thousands of flows sharing a region backbone the walk is deeper than the usual
 * 8 MiB (measured: a crash at 70,000 concurrent flows). Linux checks the limit when the main
 * stack grows and keeps at least 128 MiB below it free, so raising the soft limit now is
 * enough. */
#define WORLD_MAESTRO_STACK_BYTES (120UL << 20)

static void raise_stack_limit(void)
{
  struct rlimit limit;
  if (getrlimit(RLIMIT_STACK, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY ||
      limit.rlim_cur >= WORLD_MAESTRO_STACK_BYTES)
    return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY || limit.rlim_max > WORLD_MAESTRO_STACK_BYTES
                     ? WORLD_MAESTRO_STACK_BYTES
                     : limit.rlim_max;
  if (setrlimit(RLIMIT_STACK, &limit) != 0)
    XBT_WARN("could not raise the stack limit: very large runs may overflow it");
}

/* The scenario's network.tcp_window goes to SimGrid as network/TCP-gamma, after our fixed
 * options and before the user's --cfg options, which win. */
static void init_engine(const struct scenario *sc, int *argc, char **argv)
{
  raise_stack_limit();
  size_t fixed = sizeof(engine_options) / sizeof(engine_options[0]), extra = fixed + 1;
  int n = *argc;
  char **args = calloc(n + extra + 1, sizeof(char *));
  char *window = strfmt("--cfg=network/TCP-gamma:%.17g", sc->network.tcp_window_bytes);
  xbt_assert(args, "out of memory");
  args[0] = n > 0 ? argv[0] : "depinsim";
  for (size_t i = 0; i < fixed; i++)
    args[1 + i] = (char *)engine_options[i];
  args[1 + fixed] = window;
  for (int i = 1; i < n; i++)
    args[extra + i] = argv[i]; /* user --cfg options come last and win */
  int total = n > 0 ? n + (int)extra : 1 + (int)extra;
  simgrid_init(&total, args);
  free(args); /* SimGrid copies what it keeps */
  free(window);
}

/* Writes the generated platform to a temporary file and loads it. */
static enum depin_status load_generated_platform(struct world *w, diag_t *diag)
{
  const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  char *path = strfmt("%s/depinsim-platform-XXXXXX", tmpdir);
  int fd = mkstemp(path);
  FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!out) {
    diag_add(diag, DIAG_ERROR, path, 0, 0, NULL, "cannot write the platform: %m");
    free(path);
    return DEPIN_EIO;
  }
  enum depin_status status = platform_write(w->sc, w->profiles, out, diag);
  if (fclose(out) != 0 && status == DEPIN_OK)
    status = DEPIN_EIO;
  if (status == DEPIN_OK)
    simgrid_load_platform(path);
  unlink(path);
  free(path);
  return status;
}

/* Binds provider i of each class to its host "<class>-<i>". */
static enum depin_status bind_providers(struct world *w, diag_t *diag)
{
  const struct scenario *sc = w->sc;
  enum depin_status status = DEPIN_OK;
  char name[256];
  for (size_t c = 0; c < sc->n_classes; c++) {
    const struct provider_class *pc = &sc->classes[c];
    const struct device_profile *d = profile_set_find(w->profiles, pc->gpu);
    for (long k = 0; k < pc->max_count; k++) {
      struct provider *p = &w->providers[pc->first_provider + (size_t)k];
      platform_host_name(pc, (size_t)k, name, sizeof(name));
      p->host = sg_host_by_name(name);
      p->class_index = (unsigned)c;
      p->region_index = pc->n_regions ? (unsigned)platform_host_region(pc, (size_t)k) : 0;
      p->device = d;
      p->spare = k >= pc->count;
      p->scheduled_up = true;
      p->up_since = p->spare ? -1 : 0;
      p->active_since = p->spare ? -1 : 0;
      p->down_since = -1;
      w->n_active += !p->spare;
      if (!p->host && status == DEPIN_OK) {
        diag_add(diag, DIAG_ERROR, sc->platform_file, 0, 0, "platform",
                 "no host named '%s' for class '%s' (hosts must be named <class>-<n>)", name,
                 pc->name);
        status = DEPIN_ENOENT;
      }
    }
  }
  return status;
}

struct world *world_new(const struct scenario *sc, int *argc, char **argv, diag_t *diag)
{
  struct world *w = calloc(1, sizeof(*w));
  xbt_assert(w, "out of memory");
  w->sc = sc;
  w->n_providers = sc->n_providers;
  w->providers = calloc(sc->n_providers ? sc->n_providers : 1, sizeof(*w->providers));
  w->layer_state = calloc(sc->layers->n ? sc->layers->n : 1, sizeof(void *));
  w->metrics = metrics_new(sc->warmup_s, sc->sample_interval_s);
  xbt_assert(w->providers && w->layer_state && w->metrics, "out of memory");

  w->profiles = sc->profiles;
  xbt_assert(w->profiles, "a scenario that loaded has its calibration profiles");
  if (platform_check_user_file(sc, diag) != DEPIN_OK)
    goto fail; /* before SimGrid would abort on it */
  init_engine(sc, argc, argv);
  if (sc->platform_file) {
    if (diag_error_count(diag) == 0) /* devices are checked by platform_write otherwise */
      simgrid_load_platform(sc->platform_file);
  } else if (load_generated_platform(w, diag) != DEPIN_OK) {
    goto fail;
  }
  if (bind_providers(w, diag) != DEPIN_OK)
    goto fail;
  w->availability = availability_new(sc, sc->seed);
  xbt_assert(w->availability, "out of memory");
  return w;
fail:
  world_free(w);
  return NULL;
}

void *world_layer_state(const struct world *w, const char *name)
{
  long i = layer_set_index(w->sc->layers, name);
  return i >= 0 ? w->layer_state[i] : NULL;
}

static void deploy_layers(struct world *w)
{
  for (size_t i = 0; i < w->sc->layers->n; i++) {
    const void *conf = w->sc->layer_conf ? w->sc->layer_conf[i] : NULL;
    if (conf)
      w->layer_state[i] = w->sc->layers->layers[i]->deploy(w, conf);
  }
}

/* Adds provider p's up time between its last coming up and now, inside the window. */
static void close_uptime(struct world *w, struct provider *p, double now)
{
  double from = fmax(p->up_since, w->sc->warmup_s);
  if (p->up_since >= 0 && now > from)
    p->uptime_s += now - from;
}

/* Adds provider p's time as a member of the network (not a spare) inside the window. */
static void close_active(struct world *w, struct provider *p, double now)
{
  double from = fmax(p->active_since, w->sc->warmup_s);
  if (p->active_since >= 0 && now > from)
    p->active_s += now - from;
}

static void host_on(struct provider *p, double now)
{
  p->up_since = now;
  sg_host_turn_on(p->host);
}

static void host_off(struct world *w, struct provider *p, double now)
{
  close_uptime(w, p, now);
  p->up_since = -1;
  p->down_since = now;
  p->downs++;
  sg_host_turn_off(p->host);
}

/* The availability schedule's change for provider i; a spare's host stays off. */
static void set_provider_state(struct world *w, size_t i, bool up, double now)
{
  struct provider *p = &w->providers[i];
  p->scheduled_up = up;
  if (p->spare)
    return;
  if (up) {
    host_on(p, now);
  } else {
    host_off(w, p, now);
    p->failures++;
  }
}

void world_provider_set_spare(struct world *w, size_t i, bool spare)
{
  xbt_assert(i < w->n_providers, "provider %zu out of %zu", i, w->n_providers);
  struct provider *p = &w->providers[i];
  double now = simgrid_get_clock();
  if (p->spare == spare)
    return;
  p->spare = spare;
  w->spare_changes++;
  if (spare) {
    close_active(w, p, now);
    p->active_since = -1;
    w->n_active--;
    if (sg_host_is_on(p->host))
      host_off(w, p, now);
  } else {
    p->active_since = now;
    w->n_active++;
    if (p->scheduled_up)
      host_on(p, now);
  }
}

static void apply_initial_availability(struct world *w)
{
  for (size_t i = 0; i < w->n_providers; i++) {
    struct provider *p = &w->providers[i];
    p->scheduled_up = availability_initially_up(w->availability, i);
    if (p->spare || !p->scheduled_up) {
      sg_host_turn_off(p->host); /* starting down, or not yet in the network: not a failure */
      p->up_since = -1;
      p->down_since = 0;
    }
  }
}

void world_every(struct world *w, double period, world_tick_fn fn, void *ctx)
{
  xbt_assert(period > 0 && fn, "a tick needs a positive period and a function");
  struct world_tick *t = realloc(w->ticks, (w->n_ticks + 1) * sizeof(*t));
  xbt_assert(t, "out of memory");
  w->ticks = t;
  w->ticks[w->n_ticks++] = (struct world_tick){period, period, fn, ctx};
}

static double next_tick_time(const struct world *w)
{
  double next = INFINITY;
  for (size_t i = 0; i < w->n_ticks; i++)
    next = fmin(next, w->ticks[i].next);
  return next;
}

static void run_due_ticks(struct world *w, double now)
{
  for (size_t i = 0; i < w->n_ticks; i++) {
    struct world_tick *t = &w->ticks[i];
    if (t->next > now + 1e-9)
      continue;
    t->fn(w, now, t->ctx);
    t->next += t->period;
  }
}

static double active_probe(void *ctx)
{
  return (double)((struct world *)ctx)->n_active;
}

static void apply_due_availability(struct world *w, double now)
{
  while (availability_next_time(w->availability) <= now) {
    size_t i;
    bool up;
    availability_pop(w->availability, &i, &up);
    set_provider_state(w, i, up, now);
  }
}

void world_run(struct world *w)
{
  const double end = w->sc->duration_s, interval = w->sc->sample_interval_s;
  double wall_start = progress_wall_now();
  deploy_layers(w);
  apply_initial_availability(w);
  if (w->n_ticks > 0 || w->n_active < w->n_providers) /* membership can change */
    metrics_series_add(w->metrics, "providers_active", "hosts", SERIES_GAUGE, active_probe, w);
  progress_t *progress = progress_new(end, (enum progress_mode)w->progress_mode, stderr);
  xbt_assert(progress, "out of memory");
  double next_sample = interval;
  double now = 0;
  while (now < end) {
    double next = fmin(fmin(end, next_sample), availability_next_time(w->availability));
    next = fmin(next, next_tick_time(w));
    simgrid_run_until(next);
    now = next;
    apply_due_availability(w, now);
    run_due_ticks(w, now);
    if (now >= next_sample - 1e-9) {
      metrics_sample(w->metrics, now);
      next_sample += interval;
    }
    progress_update(progress, now, w->activities);
  }
  for (size_t i = 0; i < w->n_providers; i++) {
    close_uptime(w, &w->providers[i], end);
    close_active(w, &w->providers[i], end);
  }
  progress_finish(progress, now, w->activities);
  w->wall_s = progress_wall_now() - wall_start;
}

/* /providers: one row per provider, and the core's summary metrics. */
static void report_providers(struct world *w)
{
  const struct scenario *sc = w->sc;
  static const struct table_column cols[] = {
    {"host", COL_STRING, ""},       {"class", COL_STRING, ""},     {"region", COL_STRING, ""},
    {"device", COL_STRING, ""},     {"gpus", COL_INT64, ""},       {"speed", COL_DOUBLE, "FLOP/s"},
    {"uptime", COL_DOUBLE, ""},     {"failures", COL_INT64, ""},
  };
  table_t *t =
    metrics_table(w->metrics, H5_TABLE_PROVIDERS, sizeof(cols) / sizeof(cols[0]), cols);
  double up_sum = 0, bound_sum = 0, members = 0;
  for (size_t i = 0; i < w->n_providers; i++) {
    const struct provider *p = &w->providers[i];
    const struct provider_class *pc = &sc->classes[p->class_index];
    double uptime = p->active_s > 0 ? p->uptime_s / p->active_s : 0;
    if (p->active_s > 0) { /* a host that was never in the network has no availability */
      up_sum += uptime;
      bound_sum += availability_stationary(pc->mtbf_s, pc->mttr_s);
      members++;
    }
    union table_cell row[] = {
      {.s = sg_host_get_name(p->host)},
      {.s = pc->name},
      {.s = sc->n_regions ? sc->regions[p->region_index].name : ""},
      {.s = p->device->name},
      {.i = pc->gpus_per_node},
      {.d = sg_host_get_speed(p->host)},
      {.d = uptime},
      {.i = p->failures},
    };
    table_append(t, row);
  }
  double n = members > 0 ? members : 1;
  metrics_summary_set(w->metrics, "providers", (double)w->n_providers, "");
  metrics_summary_set(w->metrics, "providers_active_final", (double)w->n_active, "");
  metrics_summary_set(w->metrics, "availability", up_sum / n, "");
  metrics_summary_set(w->metrics, "availability_bound", bound_sum / n, "");
  metrics_bound_set(w->metrics, "availability", bound_sum / n, "", BOUND_EXPECTED,
                    "mean over providers of MTBF / (MTBF + MTTR)");
  metrics_summary_set(w->metrics, "simgrid_activities", w->activities, "");
}

void world_finish(struct world *w)
{
  for (size_t i = 0; i < w->sc->layers->n; i++)
    if (w->layer_state[i])
      w->sc->layers->layers[i]->finish(w->layer_state[i], w);
  report_providers(w);
}

void world_free(struct world *w)
{
  if (!w)
    return;
  for (size_t i = 0; w->layer_state && i < w->sc->layers->n; i++)
    if (w->layer_state[i])
      w->sc->layers->layers[i]->state_free(w->layer_state[i]);
  free(w->layer_state);
  free(w->ticks);
  availability_free(w->availability);
  metrics_free(w->metrics);
  free(w->providers);
  free(w);
}

double world_exec_amount_for_seconds(const struct world *w, const struct provider *p,
                                     double seconds)
{
  (void)w;
  return sg_host_get_speed(p->host) * seconds;
}

double world_exec_amount_for_flops(const struct world *w, const struct provider *p,
                                   enum precision prec, double flops)
{
  const struct provider_class *pc = &w->sc->classes[p->class_index];
  double seconds =
    profile_compute_seconds(p->device, prec, flops, pc->gpus_per_node, w->sc->efficiency);
  return world_exec_amount_for_seconds(w, p, seconds);
}

static int by_stake(const void *x, const void *y, void *arg)
{
  const struct world *w = arg;
  size_t a = *(const size_t *)x, b = *(const size_t *)y;
  double sa = w->sc->classes[w->providers[a].class_index].stake;
  double sb = w->sc->classes[w->providers[b].class_index].stake;
  if (sa != sb)
    return sa > sb ? -1 : 1;
  return (a > b) - (a < b);
}

void world_rank_by_stake(const struct world *w, size_t *idx, size_t n)
{
  qsort_r(idx, n, sizeof(size_t), by_stake, (void *)w);
}

size_t world_successor(const struct world *w, const size_t *ranked, size_t n,
                       const unsigned char *taken)
{
  for (size_t i = 0; i < n; i++) {
    size_t p = ranked[i];
    if (!taken[p] && !w->providers[p].spare && sg_host_is_on(w->providers[p].host))
      return p;
  }
  return SIZE_MAX;
}

int world_provider_is_up(const struct world *w, size_t i)
{
  xbt_assert(i < w->n_providers, "provider %zu out of %zu", i, w->n_providers);
  return sg_host_is_on(w->providers[i].host);
}

sg_host_t world_control_host(const struct world *w)
{
  const struct scenario *sc = w->sc;
  char name[256];
  if (sc->platform_file) {
    sg_host_t control = sg_host_by_name("depinsim-control");
    return control ? control : w->providers[0].host;
  }
  snprintf(name, sizeof(name), "%s-gateway", sc->regions[w->providers[0].region_index].name);
  sg_host_t gateway = sg_host_by_name(name);
  xbt_assert(gateway, "no gateway host %s", name);
  return gateway;
}
