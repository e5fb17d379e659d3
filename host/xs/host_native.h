/*
 * The table of C callbacks the firmware binds with native("xs_...") and
 * Native("xs_..._destructor"). host/tools/gen-natives.mjs generates it from
 * the module sources, so a new module needs no registration by hand.
 */
#ifndef HOST_NATIVE_H
#define HOST_NATIVE_H

#include "xs.h"

typedef struct {
	const char *name;
	xsCallback callback;
} host_native_function;

typedef struct {
	const char *name;
	xsDestructor destructor;
} host_native_destructor;

/* Both end with a { NULL, NULL } entry. */
extern const host_native_function host_native_functions[];
extern const host_native_destructor host_native_destructors[];

#endif
