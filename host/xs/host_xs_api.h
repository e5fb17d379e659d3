/*
 * What the runner asks of the XS platform layer (host_xs.c, host_native.c).
 * Plain C types only, so main.c can include it beside xs.h.
 */
#ifndef HOST_XS_API_H
#define HOST_XS_API_H

#include <stddef.h>
#include "xs.h"

/* Defines the globals the firmware expects: native, Native, setTimeout,
   clearTimeout, trace. */
void host_xs_install_globals(xsMachine *the);

/* Parses and runs a script file (the esbuild bundle) in the global scope.
   Throws into the caller's xsTry on a syntax error or an uncaught exception. */
void host_xs_run_program(xsMachine *the, const char *path);

/* Runs promise jobs and due timers until none is left. */
void host_xs_run_loop(xsMachine *the);

/* Bytes of the XS heap: chunks plus slots. `reserved` is what XS obtained
   from the system (it only grows), `used` what is allocated right now,
   `peak` the highest `used` since the last host_xs_heap_mark(). */
typedef struct {
	size_t reserved;
	size_t used;
	size_t peak;
	size_t slot_size;
	size_t live_max;  /* largest live heap sampled (0 unless sampling) */
} host_xs_heap;
/* Set before the run: sample the live heap after each turn of the loop. */
extern int host_xs_live_sampling;
void host_xs_heap_read(xsMachine *the, host_xs_heap *out);
/* Collects garbage, then restarts the peak at the live size. */
void host_xs_heap_mark(xsMachine *the);
/* From now on the JavaScript stack holds `slots` slots from its top, as a
   device's does (XS checks it: mxBoundsCheck); 0 when more are in use already. */
int host_xs_limit_stack(xsMachine *the, int slots);

/* Implemented by the runner: XS cannot go on (unhandled exception or
   rejection, memory full, stack overflow). Does not return. */
void host_runtime_abort(xsMachine *the, int status, const char *why) __attribute__((noreturn));

#endif
