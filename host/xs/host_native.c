/*
 * The global host functions that stand in for xsc's compile-time bindings:
 *   native(name)       -> the host function named `name` in the table
 *   Native(destructor) -> a host constructor whose prototype is a host object
 *                         with that destructor, so `class X extends Native(d)`
 *                         makes host objects on which xsmcSetHostData works.
 * Both are cached per name: a binding is created once, as on the device.
 */
#include "xs.h"
#include "host_native.h"

#include <string.h>

static xsSlot host_native_cache;

extern void host_xs_make_base_constructor(xsMachine *the, xsSlot *constructor);

static xsCallback host_native_find(const char *name)
{
	const host_native_function *entry;
	for (entry = host_native_functions; entry->name; entry++) {
		if (!strcmp(entry->name, name))
			return entry->callback;
	}
	return NULL;
}

static xsDestructor host_native_find_destructor(const char *name, int *found)
{
	const host_native_destructor *entry;
	for (entry = host_native_destructors; entry->name; entry++) {
		if (!strcmp(entry->name, name)) {
			*found = 1;
			return entry->destructor;
		}
	}
	*found = 0;
	return NULL;
}

/* Returns 1 and sets xsResult when `key` is cached. */
static int host_native_cached(xsMachine *the, const char *key)
{
	xsIdentifier id = xsID(key);
	if (!xsHas(host_native_cache, id))
		return 0;
	xsResult = xsGet(host_native_cache, id);
	return 1;
}

static void host_native(xsMachine *the)
{
	char name[128];
	xsCallback callback;
	if (xsToInteger(xsArgc) < 1 || xsTypeOf(xsArg(0)) != xsStringType)
		xsTypeError("native: expected the name of a host function");
	strncpy(name, xsToString(xsArg(0)), sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	if (host_native_cached(the, name))
		return;
	callback = host_native_find(name);
	if (!callback)
		xsReferenceError("native: no host function %s in this runtime", name);
	xsResult = xsNewHostFunction(callback, 0);
	xsSet(host_native_cache, xsID(name), xsResult);
}

static void host_native_base(xsMachine *the)
{
	/* Nothing: XS created `this` with its own host slot (see
	   host_xs_make_base_constructor); the subclass sets the data. */
}

static void host_Native(xsMachine *the)
{
	char name[128], key[136];
	xsDestructor destructor;
	int found;
	if (xsToInteger(xsArgc) < 1 || xsTypeOf(xsArg(0)) != xsStringType)
		xsTypeError("Native: expected the name of a destructor");
	strncpy(name, xsToString(xsArg(0)), sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	snprintf(key, sizeof(key), "Native:%s", name);
	if (host_native_cached(the, key))
		return;
	destructor = host_native_find_destructor(name, &found);
	if (!found)
		xsReferenceError("Native: no destructor %s in this runtime", name);
	xsVars(1);
	xsVar(0) = xsNewHostObject(destructor);
	xsResult = xsNewHostConstructor(host_native_base, 0, xsVar(0));
	host_xs_make_base_constructor(the, &xsResult);
	xsSet(host_native_cache, xsID(key), xsResult);
}

void host_native_define(xsMachine *the, const char *name, xsCallback callback, xsIntegerValue length)
{
	xsResult = xsNewHostFunction(callback, length);
	xsDefine(xsGlobal, xsID((char *)name), xsResult, xsDontEnum);
}

void host_native_install(xsMachine *the)
{
	host_native_cache = xsNewObject();
	xsRemember(host_native_cache);
	xsResult = xsNewHostFunction(host_native, 1);
	xsDefine(xsGlobal, xsID("native"), xsResult, xsDontEnum);
	xsResult = xsNewHostFunction(host_Native, 1);
	xsDefine(xsGlobal, xsID("Native"), xsResult, xsDontEnum);
}
