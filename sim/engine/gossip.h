/* gossip.h: spreading one message (a block) over an overlay with a gossip protocol, and when
 * each node comes to hold it (docs/models/network.md).
 *
 * Model. Every node that holds the message offers it to its peers; which bytes cross which
 * connection, and when, follow the protocol:
 *   flood     push the whole message to every peer that does not hold it yet;
 *   announce  Bitcoin's relay: an inv to each peer that does not hold it, a getdata back from
 *             the first peer a node hears it from, then the message;
 *   compact   BIP 152 in low-bandwidth mode: as announce, but between two nodes that both
 *             speak it the message is a sketch (an 88-byte header and 6-byte short ids per
 *             transaction, or a fixed size); a miss_share of those hops lack transactions and
 *             fetch miss_fraction of the message after a further round trip;
 *   parts     CometBFT's block parts: the message travels as parts; each peer connection of a
 *             node that is idle sends a part the peer lacks and it has not sent there yet,
 *             picked at random (so parts pipeline, and peers get different parts from the
 *             origin and exchange them); the uplink is always shared.
 * A node holds the message when it has all of it; the time is recorded for every node, so
 * reach times (50%, 90%, 100% of the nodes) follow. Gossip runs to the end: every node that
 * is up and connected to the origin through nodes that are up gets the message.
 *
 * Transfers: each connection sends its messages in order, one after another (one TCP
 * connection per peer), at the rate the route allows alone (overlay.h), capped by an optional
 * connection_rate (CometBFT's p2p send_rate). With uplink `shared`
 * the connections of a node that have something to send share its uplink fairly (max-min
 * among connections whose own route is slower). A message reaches the peer one route latency
 * after its last byte left, plus the receiver's processing time. With `serial` the node sends
 * one message at a time, in the order they were asked for, each until it has arrived (a
 * sender that waits for each transfer to complete before the next, as SimBlock's nodes and a
 * SimGrid actor with blocking sends do). An upload
 * that would carry a flooded message or part to a peer that already holds it when its turn
 * comes is skipped, and a part is never sent to a peer that holds it: peers tell each other
 * what they hold (CometBFT's HasBlockPart messages), though not what is on its way.
 * Control messages (inv, getdata, getblocktxn: 61 bytes, a Bitcoin message header and one
 * inventory entry) take the route latency and their bytes at the route's rate but do not
 * wait for the uplink.
 *
 * Simplifications: the spread is computed to its end when the message is injected, from the
 * nodes that are up then (a node that fails meanwhile still relays); the uplink time a
 * message books is seen by later messages of the same gossip instance, not by SimGrid's flows
 * of other layers, and not by other instances; downlinks are not shared among a node's
 * concurrent downloads; parts are simulated as at most GOSSIP_MAX_PARTS messages of
 * consecutive parts. */
#ifndef DEPINSIM_SIM_ENGINE_GOSSIP_H
#define DEPINSIM_SIM_ENGINE_GOSSIP_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>

#include "sim/base/cfg.h"
#include "sim/engine/overlay.h"

enum gossip_protocol { GOSSIP_FLOOD, GOSSIP_ANNOUNCE, GOSSIP_COMPACT, GOSSIP_PARTS };
enum gossip_uplink { GOSSIP_UPLINK_SHARED, GOSSIP_UPLINK_SERIAL };

/* Names as the scenario writes them, NULL-terminated, in enum order. */
extern const char *const gossip_protocol_names[];
extern const char *const gossip_uplink_names[];

/* Parts a message is simulated as, at most: consecutive parts travel together. */
#define GOSSIP_MAX_PARTS 64
/* An inv, getdata or getblocktxn on the wire: Bitcoin's 24-byte message header plus a count
 * and one 36-byte inventory entry. */
#define GOSSIP_CONTROL_BYTES 61.0
/* BIP 152's compact block: the 80-byte header and an 8-byte nonce, then 6 bytes a
 * transaction. */
#define GOSSIP_SKETCH_HEADER_BYTES 88.0
#define GOSSIP_SKETCH_BYTES_PER_TX 6.0

struct gossip_conf {
  enum gossip_protocol protocol;
  enum gossip_uplink uplink;
  double connection_Bps; /* a cap on each peer connection (CometBFT's send_rate); +inf: none */
  double processing_s;   /* added to every message's arrival */
  double part_bytes;     /* parts */
  double compact_nodes;  /* share of nodes that speak compact relay (compact) */
  double sketch_bytes;   /* > 0: fixed sketch size; 0: header + 6 bytes a transaction */
  double miss_share;     /* share of sketch hops that lack transactions */
  double miss_fraction;  /* of the message fetched after such a miss */
};

/* The defaults documented in docs/models/network.md (flood, shared uplink, no processing,
 * CometBFT's 64 KiB parts, BIP 152 sketches that every node speaks, SimBlock's miss rate and
 * size for nodes that stay connected). */
void gossip_conf_defaults(struct gossip_conf *c, enum gossip_protocol protocol);
/* Reads the keys uplink, connection_rate, processing, part_size and compact of mapping n that
 * are present into c (the protocol is the caller's; gossip_conf.c). Returns false after
 * reporting a bad value; the caller checks which keys its section allows. */
bool gossip_conf_read(cfg_t *cfg, struct cfg_node n, struct gossip_conf *c);

typedef struct gossip gossip_t;

/* Running totals over every spread. */
struct gossip_totals {
  double spreads, events;
  double payload_bytes;   /* message, sketch, part and missing-transaction bytes sent */
  double duplicate_bytes; /* of those, bytes that reached a node that already held them */
  double control_bytes;
};

/* A gossip instance over o (borrowed; it must outlive the instance), drawing which nodes speak
 * compact relay and which sketches miss from rng (borrowed). Out of memory asserts. */
gossip_t *gossip_new(const struct overlay *o, const struct gossip_conf *c, gsl_rng *rng);
void gossip_free(gossip_t *g);

/* Spreads a message of `bytes` carrying n_tx transactions from node origin at time t0 among
 * the nodes with up[i] (origin must be up). hold[i] (n entries, the caller's) is set to the
 * time node i holds the whole message, +infinity for a node never reached. */
void gossip_spread(gossip_t *g, unsigned origin, double t0, double bytes, double n_tx,
                   const bool *up, double *hold);
/* The same with another protocol than the instance's (on the same uplinks: a ledger's
 * transactions flooded beside its blocks), and, when check_s is not NULL, node i holding and
 * relaying a message check_s[i] seconds after it arrived (CometBFT's CheckTx before a
 * transaction enters the mempool and is gossiped on; not with parts). */
void gossip_spread_checked(gossip_t *g, enum gossip_protocol protocol, const double *check_s,
                           unsigned origin, double t0, double bytes, double n_tx,
                           const bool *up, double *hold);
const struct gossip_totals *gossip_totals(const gossip_t *g);

/* Reach time: sorted_hold holds the hold times of the nodes that were up, in increasing order
 * (+infinity for those never reached), `eligible` of them. Returns the time from t0 until
 * ceil(share x eligible) of them held the message (share in (0, 1]), or -1 when fewer did. */
double gossip_reach(const double *sorted_hold, size_t eligible, double t0, double share);

#endif
