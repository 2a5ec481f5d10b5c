/* platform.c: the scenario's regions and provider classes as a SimGrid XML platform. */
#include "sim/engine/platform.h"

#include <stdlib.h>
#include <xbt/asserts.h>

double platform_host_speed(const struct provider_class *c, const struct device_profile *d)
{
  double rate = profile_gemm_rate(d, PREC_BF16);
  xbt_assert(rate > 0, "device %s has no GEMM rate", d->name);
  return c->gpus_per_node * rate;
}

char *platform_host_name(const struct provider_class *c, size_t i, char *buf, size_t n)
{
  snprintf(buf, n, "%s-%zu", c->name, i);
  return buf;
}

size_t platform_host_region(const struct provider_class *c, size_t i)
{
  return c->regions[i % c->n_regions];
}

/* Every class's device exists; each missing one is reported with the list of known ones. */
static enum depin_status check_devices(const struct scenario *sc, const profile_set_t *profiles,
                                       diag_t *diag)
{
  enum depin_status status = DEPIN_OK;
  for (size_t c = 0; c < sc->n_classes; c++) {
    if (profile_set_find(profiles, sc->classes[c].gpu))
      continue;
    char *names = profile_set_names(profiles);
    diag_add(diag, DIAG_ERROR, sc->file, 0, 0, "providers", "class '%s': gpu '%s' is in no "
             "calibration profile (available: %s)", sc->classes[c].name, sc->classes[c].gpu,
             names);
    free(names);
    status = DEPIN_ENOENT;
  }
  return status;
}

static size_t region_host_count(const struct scenario *sc, size_t r)
{
  size_t n = 0;
  for (size_t c = 0; c < sc->n_classes; c++) {
    const struct provider_class *pc = &sc->classes[c];
    for (size_t k = 0; k < pc->n_regions; k++)
      if (pc->regions[k] == r)
        n += (size_t)pc->max_count / pc->n_regions + ((size_t)pc->max_count % pc->n_regions > k);
  }
  return n;
}

static void write_class_hosts(const struct provider_class *c, const struct device_profile *d,
                              size_t region, FILE *out)
{
  char name[256];
  double speed = platform_host_speed(c, d);
  for (long i = 0; i < c->max_count; i++) {
    if (platform_host_region(c, (size_t)i) != region)
      continue;
    platform_host_name(c, (size_t)i, name, sizeof(name));
    fprintf(out,
            "   <host id=\"%s\" speed=\"%.17gf\"/>\n"
            "   <link id=\"%s-up\" bandwidth=\"%.17gBps\" latency=\"%.17gs\"/>\n"
            "   <link id=\"%s-down\" bandwidth=\"%.17gBps\" latency=\"%.17gs\"/>\n"
            "   <host_link id=\"%s\" up=\"%s-up\" down=\"%s-down\"/>\n",
            name, speed, name, c->uplink_Bps, c->latency_s, name, c->downlink_Bps,
            c->latency_s, name, name, name);
  }
}

static void write_region(const struct scenario *sc, const profile_set_t *profiles, size_t r,
                         FILE *out)
{
  const struct region *reg = &sc->regions[r];
  fprintf(out, "  <zone id=\"region-%s\" routing=\"Cluster\">\n", reg->name);
  /* The gateway is a host, not a <router>: SimGrid 3.32's Cluster zone (a StarZone inside)
   * has no route for a <router> and fails on inter-zone routes through it. Its link is far
   * faster than any backbone so it never limits a flow. */
  fprintf(out, "   <host id=\"%s-gateway\" speed=\"1f\"/>\n"
               "   <link id=\"%s-gateway-link\" bandwidth=\"1e15Bps\" latency=\"0s\"/>\n"
               "   <host_link id=\"%s-gateway\" up=\"%s-gateway-link\" down=\"%s-gateway-link\"/>\n",
          reg->name, reg->name, reg->name, reg->name, reg->name);
  for (size_t c = 0; c < sc->n_classes; c++)
    write_class_hosts(&sc->classes[c], profile_set_find(profiles, sc->classes[c].gpu), r, out);
  fprintf(out, "   <backbone id=\"%s-backbone\" bandwidth=\"%.17gBps\" latency=\"%.17gs\"/>\n",
          reg->name, reg->backbone_Bps, reg->latency_s);
  fprintf(out, "  </zone>\n");
}

/* The WAN links between used regions, then the routes through them: SimGrid's DTD wants
 * every <link> of a zone before its first route. */
static void write_interregion(const struct scenario *sc, const char *used, FILE *out)
{
  size_t n = sc->n_regions;
  for (int routes = 0; routes <= 1; routes++) {
    for (size_t a = 0; a < n; a++) {
      for (size_t b = a + 1; b < n; b++) {
        if (!used[a] || !used[b])
          continue;
        const struct region *ra = &sc->regions[a], *rb = &sc->regions[b];
        double bw = ra->backbone_Bps < rb->backbone_Bps ? ra->backbone_Bps : rb->backbone_Bps;
        if (!routes)
          fprintf(out, "  <link id=\"wan-%s-%s\" bandwidth=\"%.17gBps\" latency=\"%.17gs\"/>\n",
                  ra->name, rb->name, bw, sc->latency_s[a * n + b]);
        else
          fprintf(out,
                  "  <zoneRoute src=\"region-%s\" dst=\"region-%s\" gw_src=\"%s-gateway\" "
                  "gw_dst=\"%s-gateway\"><link_ctn id=\"wan-%s-%s\"/></zoneRoute>\n",
                  ra->name, rb->name, ra->name, rb->name, ra->name, rb->name);
      }
    }
  }
}

enum depin_status platform_write(const struct scenario *sc, const profile_set_t *profiles,
                                 FILE *out, diag_t *diag)
{
  enum depin_status status = check_devices(sc, profiles, diag);
  if (status != DEPIN_OK)
    return status;
  char *used = calloc(sc->n_regions ? sc->n_regions : 1, 1);
  xbt_assert(used, "out of memory");
  fprintf(out, "<?xml version='1.0'?>\n"
               "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
               "<!-- generated by depinsim from %s -->\n"
               "<platform version=\"4.1\">\n <zone id=\"world\" routing=\"Full\">\n",
          sc->file);
  for (size_t r = 0; r < sc->n_regions; r++) {
    used[r] = region_host_count(sc, r) > 0;
    if (used[r])
      write_region(sc, profiles, r, out);
  }
  write_interregion(sc, used, out);
  fprintf(out, " </zone>\n</platform>\n");
  free(used);
  if (ferror(out)) {
    diag_add(diag, DIAG_ERROR, NULL, 0, 0, NULL, "writing the platform failed");
    return DEPIN_EIO;
  }
  return DEPIN_OK;
}
