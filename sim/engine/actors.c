/* actors.c: actor start with state in argv, and a failure-tolerant receive (see actors.h). */
#include "sim/engine/actors.h"

#include <simgrid/comm.h>
#include <stdio.h>
#include <xbt/asserts.h>

sg_actor_t actors_start(const char *name, sg_host_t host, void *state,
                        void (*code)(int, char **), bool restart_with_host)
{
  char ptr[32];
  snprintf(ptr, sizeof(ptr), "%p", state);
  char *argv[] = {(char *)name, ptr, NULL};
  sg_actor_t a = sg_actor_init(name, host);
  sg_actor_start(a, code, 2, argv);
  if (restart_with_host)
    sg_actor_set_auto_restart(a, 1);
  return a;
}

void *actors_state(int argc, char **argv)
{
  void *p = NULL;
  xbt_assert(argc >= 2 && sscanf(argv[1], "%p", &p) == 1 && p,
             "actor %s started without its state", argc > 0 ? argv[0] : "?");
  return p;
}

sg_mailbox_t actors_open_mailbox(unsigned *starts)
{
  char name[160];
  snprintf(name, sizeof(name), "%s#%u", sg_actor_self_get_name(), (*starts)++);
  sg_mailbox_set_receiver(name);
  return sg_mailbox_by_name(name);
}

void *actors_receive(sg_mailbox_t box)
{
  void *data = NULL;
  sg_comm_t c = sg_mailbox_get_async(box, &data);
  return sg_comm_wait(c) == SG_OK ? data : NULL;
}
