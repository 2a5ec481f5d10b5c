/* actors.h: starting layer actors whose state survives their host's failure, and receiving
 * from a mailbox whose sender may fail.
 *
 * SimGrid restarts an auto-restart actor from its code and argv when its host comes back,
 * but not its actor data: an actor that takes its state from sg_actor_self_get_data() would
 * come back without it. These helpers pass the state in argv instead. */
#ifndef DEPINSIM_SIM_ENGINE_ACTORS_H
#define DEPINSIM_SIM_ENGINE_ACTORS_H

#include <simgrid/actor.h>
#include <simgrid/mailbox.h>
#include <stdbool.h>

/* Starts code(argc, argv) on host with state as its argv[1]; when restart_with_host, SimGrid
 * starts it again, with the same state, each time the host comes back on. */
sg_actor_t actors_start(const char *name, sg_host_t host, void *state,
                        void (*code)(int, char **), bool restart_with_host);
/* The state an actor was started with by actors_start (aborts when there is none). */
void *actors_state(int argc, char **argv);
/* Opens a mailbox of its own for this start of the calling actor, named after it and *starts
 * (which it increments), and makes the actor its permanent receiver. An actor restarted with
 * its host must not reuse the mailbox of the start that died: SimGrid matches the new
 * receive with a transfer that was on its way to the dead actor and never completes it, and
 * the actor never receives again. */
sg_mailbox_t actors_open_mailbox(unsigned *starts);
/* One message from box, or NULL when its sender's host failed during the transfer: SimGrid
 * reports that as a network error, not a message. */
void *actors_receive(sg_mailbox_t box);

#endif
