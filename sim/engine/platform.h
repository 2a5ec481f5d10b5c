/* platform.h: the SimGrid platform of a scenario, generated as XML.
 *
 * SimGrid's C API has no platform builder, so the scenario's regions and provider classes are
 * written as an XML platform and loaded. Each region is one Cluster zone: every provider host
 * has a private uplink and downlink (its class's bandwidths, latency to the region backbone),
 * all share the region's backbone, and a gateway host "<region>-gateway" joins it to the
 * others. A Full top zone links
 * the regions pairwise with the scenario's one-way latencies, over a link as fast as the
 * slower of the two backbones. Hosts are named "<class>-<n>" (n from 0 within the class) and
 * their speed is the node's dense bf16 rate (gpus x rate), so an exec of speed x seconds
 * takes `seconds`. Regions with no providers are left out. */
#ifndef DEPINSIM_SIM_ENGINE_PLATFORM_H
#define DEPINSIM_SIM_ENGINE_PLATFORM_H

#include <stdio.h>

#include "sim/base/diag.h"
#include "sim/base/status.h"
#include "sim/device/profile.h"
#include "sim/scenario/scenario.h"

/* The speed in FLOP/s given to a host of class c with device d. */
double platform_host_speed(const struct provider_class *c, const struct device_profile *d);

/* The name of the i-th host of class c ("<class>-<i>") into buf (size n). Returns buf. */
char *platform_host_name(const struct provider_class *c, size_t i, char *buf, size_t n);

/* The region index of the i-th host of class c (hosts spread round-robin over its regions). */
size_t platform_host_region(const struct provider_class *c, size_t i);

/* Writes the platform of sc to out. Every class's gpu must be in profiles: otherwise each
 * missing device is reported (naming the available ones) and DEPIN_ENOENT returned. A write
 * error returns DEPIN_EIO. */
enum depin_status platform_write(const struct scenario *sc, const profile_set_t *profiles,
                                 FILE *out, diag_t *diag);

#endif
