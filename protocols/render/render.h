/* render.h: the render layer: Render Network's job network. Artists submit frame jobs at a
 * pricing tier; the network's scheduler hands each frame to an idle node of that tier,
 * higher tiers first; nodes are scored in OctaneBench points (OB) and billed in OctaneBench-
 * hours (OBh); the burn-and-mint token model (the token layer's render-bme emission) burns what
 * artists pay for each frame.
 *
 * Model (facts and sources in docs/reference/render.md; numbers without a source are scenario
 * parameters marked [unsourced] in docs/models/render.md):
 *  - Nodes are the providers of the classes `nodes` names. Each node's score is
 *    S = fp32 GEMM TFLOP/s of its calibration profile x its GPUs x `score_per_tflops` (OB per
 *    fp32 TFLOP/s, fitted on two published OctaneBench scores: a stand-in for running
 *    OctaneBench, which the calibration does not).
 *  - A frame of W OBh takes W x 3600 / S seconds on a node of score S (OctaneBench work scales
 *    linearly with the score; that is how Render bills), run on the node's host
 *    (sg_actor_execute), and costs the artist W x the tier's price per OBh, whichever node
 *    renders it: recorded with token_record_payment when the frame is done.
 *  - Tiers are listed in priority order (first = highest). A node serves a tier when its score
 *    is at least the tier's `min_score`. Job classes submit jobs (Poisson or periodic arrivals,
 *    `count` caps them) of `frames` frames of `obh_per_frame` OBh each at one tier; a job's
 *    frames wait in its tier's FIFO. When a node is idle, the scheduler (on the control host)
 *    gives it the next frame of the highest tier it serves that has frames waiting; a new job's
 *    frames go to the idle nodes that serve its tier, fastest first.
 *  - The first frame of a job on a node downloads the job's scene (`scene` bytes, from the
 *    control host over the simulated network, sg_host_sendto); the node keeps the last scene
 *    it rendered. After each frame the node uploads its output (`output` bytes) before it takes
 *    the next one. A job is complete when its last frame's output has arrived: its completion
 *    time is that minus its submission. On N identical idle nodes, F frames of t seconds with
 *    a scene transfer s and an output transfer o take s + ceil(F / N) (t + o)
 *    (render_ideal_job_seconds).
 *  - A node whose host goes off (a failure; in coupled runs, its operator leaving) loses the
 *    frame it was rendering: the frame goes back to its job's place in the queue, and an idle
 *    node takes it within RENDER_REDISPATCH_S.
 *  - Coupled token runs: arrival rates follow token_demand_scale; each job is one request,
 *    served well when it completes within the token layer's latency bound.
 *  - With a `ledger` section, the artist's burn for each completed job is one transaction of
 *    `burn_tx` bytes (ledger_submit from the control host), as Render burns on Solana.
 * Simplifications: the scheduler's messages take no time; frames of a job cost the same; a
 * node renders one frame at a time with its whole device; no reputation, no frame review or
 * approval, no minimum VRAM or maximum GPUs per job; the control host's own link does not
 * limit transfers (only the nodes' links and the backbones do); a class's spare hosts
 * (max_count) are not Render nodes. */
#ifndef DEPINSIM_PROTOCOLS_RENDER_RENDER_H
#define DEPINSIM_PROTOCOLS_RENDER_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/device/profile.h"
#include "sim/scenario/layer.h"

extern const struct depin_layer render_layer;

/* How late at most an idle node takes a frame that a failed node gave back. */
#define RENDER_REDISPATCH_S 1.0
/* Seconds in an hour: OctaneBench-hours are score x hours. */
#define RENDER_S_PER_HOUR 3600.0

/* A pricing tier, in priority order in render_conf.tiers. */
struct render_tier_conf {
  char *name;
  double price_per_obh; /* USD per OctaneBench-hour */
  double min_score;     /* OB a node needs to serve it */
};

enum render_arrival { RENDER_ARRIVAL_POISSON, RENDER_ARRIVAL_PERIODIC };

/* A class of artists' jobs. */
struct render_job_conf {
  char *name;
  double rate_per_s;     /* jobs per second */
  enum render_arrival arrival;
  double start_s;        /* the first arrival (periodic) or when arrivals begin (Poisson) */
  double count;          /* most jobs; INFINITY when unlimited */
  long frames;
  double obh_per_frame;
  char *tier;
  size_t tier_index;     /* resolved by parse */
  double scene_bytes;    /* downloaded once per job and node */
  double output_bytes;   /* uploaded after each frame */
};

/* The `render` section, in base units. */
struct render_conf {
  char **nodes;            /* provider classes of the nodes */
  size_t n_nodes;
  size_t *node_classes;    /* resolved by validate */
  double score_per_tflops; /* OB per fp32 TFLOP/s */
  double burn_tx_bytes;    /* a job's burn transaction, with a ledger */
  struct render_tier_conf *tiers;
  size_t n_tiers;
  struct render_job_conf *jobs;
  size_t n_jobs;
};

/* OctaneBench-like score of a node: fp32 TFLOP/s of its device x gpus x per_tflops. 0 when the
 * profile has no fp32 rate. Cannot fail. */
double render_node_score(const struct device_profile *d, int gpus, double per_tflops);
/* Seconds a frame of obh OctaneBench-hours takes on a node of score `score` (> 0). */
double render_frame_seconds(double obh, double score);
/* Completion time of a job of `frames` frames of frame_s seconds on n identical idle nodes,
 * with a scene transfer of scene_s and an output transfer of output_s per frame:
 * scene_s + ceil(frames / n) (frame_s + output_s). n >= 1. Cannot fail. */
double render_ideal_job_seconds(long frames, long n, double frame_s, double scene_s,
                                double output_s);
/* Jobs per second class j offers over a run of `duration` seconds (its count spread over it). */
double render_offered_jobs_per_s(const struct render_job_conf *j, double duration);

void *render_conf_parse(cfg_t *cfg, struct cfg_node section);
bool render_conf_validate(const struct scenario *sc, const void *conf, cfg_t *cfg);
void render_conf_free(void *conf);
void render_estimate(const struct scenario *sc, const void *conf, struct run_cost *cost);

#endif
