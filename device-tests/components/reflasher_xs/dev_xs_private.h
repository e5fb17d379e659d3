/*
 * What the device tier's two XS files share (dev_xs.c, dev_xs_binary.c).
 */
#ifndef DEV_XS_PRIVATE_H
#define DEV_XS_PRIVATE_H

#include "xsAll.h"

/* Runs inside dev_xs_guard's xsTry, with one xsVar; may throw. */
typedef void (*dev_xs_body)(xsMachine *the, void *data, char *out, size_t out_size);

/* Runs `body` in the machine; 1 when it returns, 0 when it throws, with the
   exception's message (an Error's `message`) copied into `out`. */
int dev_xs_guard(xsMachine *the, dev_xs_body body, void *data, char *out, size_t out_size);

/* From inside a body: runs `script` in the global scope, then promise jobs
   and timers until none is left; String(result) into `out`. */
void dev_xs_run_script(xsMachine *the, txScript *script, char *out, size_t out_size);

#endif
