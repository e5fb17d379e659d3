/*
 * The device tier's XS machine: one machine with the globals the firmware
 * expects (native, Native, setTimeout, clearTimeout, trace), scripts
 * evaluated from memory, and the run loop of the host runtime.
 */
#ifndef DEV_XS_H
#define DEV_XS_H

#include "xs.h"

/* Creates the machine (parser included) and installs the globals. */
xsMachine *dev_xs_create(void);
void dev_xs_delete(xsMachine *the);

/* Evaluates `source` as a script in the global scope, then runs promise jobs
   and timers until none is left. Returns 1 and copies String(result) into
   `out` when it completes; returns 0 and copies the exception's message
   (for an Error, its `message`) into `out` when it throws. */
int dev_xs_eval(xsMachine *the, const char *source, char *out, size_t out_size);

#endif
