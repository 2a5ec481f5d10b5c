/* gossip_conf.c: a gossip protocol's settings as a layer's section writes them (gossip.h). */
#include <math.h>

#include "sim/engine/gossip.h"

const char *const gossip_protocol_names[] = {"flood", "announce", "compact", "parts", NULL};
const char *const gossip_uplink_names[] = {"shared", "serial", NULL};

/* SimBlock's compact block relay failure rate and fetched size for nodes that stay connected
 * (CBR_FAILURE_RATE_FOR_CONTROL_NODE = 0.13; its size distribution's mean, 1% of the block). */
#define GOSSIP_DEFAULT_MISS_SHARE 0.13
#define GOSSIP_DEFAULT_MISS_FRACTION 0.01
/* CometBFT's BlockPartSizeBytes (types/params.go). */
#define GOSSIP_DEFAULT_PART_BYTES 65536.0

static const char *const compact_keys[] = {"nodes", "sketch_size", "miss_share",
                                           "miss_fraction", NULL};

void gossip_conf_defaults(struct gossip_conf *c, enum gossip_protocol protocol)
{
  *c = (struct gossip_conf){.protocol = protocol,
                            .uplink = GOSSIP_UPLINK_SHARED,
                            .connection_Bps = INFINITY,
                            .part_bytes = GOSSIP_DEFAULT_PART_BYTES,
                            .compact_nodes = 1,
                            .miss_share = GOSSIP_DEFAULT_MISS_SHARE,
                            .miss_fraction = GOSSIP_DEFAULT_MISS_FRACTION};
}

bool gossip_conf_read(cfg_t *cfg, struct cfg_node n, struct gossip_conf *c)
{
  int uplink = c->uplink;
  bool ok = cfg_get_enum(cfg, n, "uplink", gossip_uplink_names, &uplink, false);
  c->uplink = (enum gossip_uplink)uplink;
  if (ok && c->protocol == GOSSIP_PARTS && c->uplink == GOSSIP_UPLINK_SERIAL) {
    struct cfg_node at;
    cfg_get(cfg, n, "uplink", &at, true);
    cfg_error(cfg, at, "parts go out on every peer connection at once (allowed: shared); "
              "serial applies to flood, announce and compact");
    ok = false;
  }
  ok &= cfg_get_quantity(cfg, n, "connection_rate", UNIT_BANDWIDTH, 1, 1e15, &c->connection_Bps,
                         false);
  ok &= cfg_get_quantity(cfg, n, "processing", UNIT_TIME, 0, 3600, &c->processing_s, false);
  ok &= cfg_get_quantity(cfg, n, "part_size", UNIT_SIZE, 1, 1e12, &c->part_bytes, false);
  struct cfg_node compact;
  cfg_get(cfg, n, "compact", &compact, false);
  if (!compact.node)
    return ok;
  if (!cfg_check_keys(cfg, compact, compact_keys))
    return false;
  ok &= cfg_get_quantity(cfg, compact, "nodes", UNIT_NUMBER, 0, 1, &c->compact_nodes, false);
  ok &= cfg_get_quantity(cfg, compact, "sketch_size", UNIT_SIZE, 1, 1e12, &c->sketch_bytes,
                         false);
  ok &= cfg_get_quantity(cfg, compact, "miss_share", UNIT_NUMBER, 0, 1, &c->miss_share, false);
  ok &= cfg_get_quantity(cfg, compact, "miss_fraction", UNIT_NUMBER, 0, 1, &c->miss_fraction,
                         false);
  return ok;
}
