/* render_state.h: the render layer's run state, shared by its deployment (render.c), its
 * scheduler and nodes (render_sched.c) and its report (render_report.c). Private to
 * protocols/render/. */
#ifndef DEPINSIM_PROTOCOLS_RENDER_RENDER_STATE_H
#define DEPINSIM_PROTOCOLS_RENDER_RENDER_STATE_H

#include <gsl/gsl_rng.h>
#include <simgrid/forward.h>
#include <stdbool.h>

#include "protocols/ledger/ledger.h"
#include "protocols/render/render.h"
#include "sim/engine/actors.h"
#include "sim/engine/world.h"
#include "sim/results/hist.h"

struct render;

/* A submitted job. Its frames are interchangeable: counts are enough. */
struct render_job {
  size_t cls;            /* index into conf->jobs */
  size_t queue_pos;      /* its place in its tier's queue */
  double submitted;
  double first_start;    /* its first frame's start; -1 before */
  long waiting;          /* frames not yet handed to a node (with those given back) */
  long running, done;
  double finished;       /* -1 until its last frame is done */
};

/* The jobs of one tier, oldest first; those before `head` have no frame waiting. */
struct render_queue {
  size_t *jobs;
  size_t n, cap, head;
};

struct render_node {
  struct render *r;
  size_t provider;
  double score;           /* OB */
  sg_actor_t actor;       /* its current start; NULL while its host is down */
  bool idle;              /* suspended, waiting for a frame */
  long job;               /* the frame it renders: its job, or -1 */
  long scene_job;         /* the job whose scene it holds, or -1 */
  double busy_since;      /* start of its current frame (with its transfers) */
  double frames, obh, earned_usd, busy_s; /* inside the window */
};

/* What one tier saw inside the window. */
struct render_tier_stats {
  hist_t *job_time;      /* owned by metrics */
  double jobs, frames, obh, usd, wait_s;
};

/* A job's burn on its way to the chain. */
struct render_burn {
  struct ledger_ticket ticket;
  double submitted;
};

struct render {
  struct world *world;
  void *ledger;           /* the ledger layer's state, NULL without one */
  struct render_burn *burns; /* inside the window */
  size_t n_burns, cap_burns;
  const struct render_conf *conf;
  struct render_node *nodes;
  size_t n_nodes;
  size_t *by_score;       /* node indices, fastest first */
  struct render_queue *queues; /* one a tier */
  struct render_job *jobs; /* every job, in submission order */
  size_t n_jobs, cap_jobs;
  double *submitted;      /* per job class: jobs submitted so far */
  double *next_arrival;   /* per job class: its next job's arrival, INFINITY when none */
  gsl_rng *rng;
  bool lost_pending;      /* a failed node gave a frame back */
  hist_t *job_time;       /* owned by metrics */
  struct render_tier_stats *tiers;
  /* inside the window */
  double jobs_done, frames_done, paid_usd, frames_lost, jobs_submitted;
  double obh_done;        /* OBh of the rendering time inside the window (frames pro rata) */
  double obh_paid;        /* OBh of the frames done inside the window, whole */
  double *class_done;     /* per job class: jobs done inside the window */
};

void render_scheduler_actor(int argc, char **argv);
void render_node_actor(int argc, char **argv);
/* Gives frames given back by failed nodes to idle nodes (a world tick). */
void render_redispatch(struct world *w, double now, void *ctx);
void render_report(void *state, struct world *w);
/* Whether node n serves tier t. */
bool render_serves(const struct render *r, const struct render_node *n, size_t t);
/* A floor for the completion time of a job of class j (render_report.c): its frames alone on
 * the nodes that serve its tier, each frame on the node that would finish it first (optimal
 * for equal frames on nodes of different speeds), transfers left out. */
double render_job_floor(const struct render *r, size_t j);

#endif
