/* mem.h: allocation that treats running out of memory as the fatal invariant failure it is
 * here (bad input never causes it: scenario_load refuses sizes over the machine's memory). */
#ifndef DEPINSIM_SIM_BASE_MEM_H
#define DEPINSIM_SIM_BASE_MEM_H

#include <stddef.h>

/* calloc(n, size), at least one byte; aborts with a message when out of memory. */
void *mem_calloc(size_t n, size_t size);

#endif
