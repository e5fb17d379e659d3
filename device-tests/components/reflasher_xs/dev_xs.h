/*
 * The device tier's XS machine: one machine with the globals the firmware
 * expects (native, Native, setTimeout, clearTimeout, trace), scripts
 * evaluated from memory, and the run loop of the host runtime.
 */
#ifndef DEV_XS_H
#define DEV_XS_H

#include <stddef.h>
#include <stdint.h>

#include "esp_partition.h"
#include "xs.h"

/* Creates the machine and installs the globals. `parser_bytes` bounds what
   the parser may allocate for one script (a 54 KB bundle needs far more than
   a test's few lines). */
xsMachine *dev_xs_create(size_t parser_bytes);
void dev_xs_delete(xsMachine *the);

/* Evaluates `source` as a script in the global scope, then runs promise jobs
   and timers until none is left. Returns 1 and copies String(result) into
   `out` when it completes; returns 0 and copies the exception's message
   (for an Error, its `message`) into `out` when it throws. */
int dev_xs_eval(xsMachine *the, const char *source, char *out, size_t out_size);

/* Runs the firmware compiled on the host (device-tests/tools/xs-compile.c:
   XS binaries in xsc's format, code in archive form, a zero size at the
   end): links each piece to this machine's symbol IDs, stores the linked
   code in `area` (erased first, each piece read back), maps it, and runs the
   pieces in order where they lie; the mapping stays for the machine's life.
   Returns 1 and the number of pieces in `count`; 0 with the reason in `out`
   when the binaries are malformed or compiled for another XS, the code does
   not fit `area`, a flash operation fails, or a piece throws. */
int dev_xs_run_binaries(xsMachine *the, const uint8_t *bytes, size_t size, const esp_partition_t *area, int *count,
	char *out, size_t out_size);

#endif
