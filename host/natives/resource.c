/*
 * Moddable's Resource on the host: the files given with --resource
 * name=path, mapped read-only by the runner, as read-only host buffers (on
 * the device they are memory-mapped from the app image).
 */
#include "xsmc.h"
#include "mc.xs.h"
#include "runner.h"

void xs_resource_destructor(void *data)
{
	/* The runner owns the mapping. */
}

void xs_resource_constructor(xsMachine *the)
{
	const runner_resource *resource = runner_find_resource(xsmcToString(xsArg(0)));
	if (!resource)
		xsUnknownError("SOURCE_NOT_FOUND: resource %s: not in this firmware (give it to the runner with --resource name=path)", xsmcToString(xsArg(0)));
	xsmcSetHostBuffer(xsThis, (void *)resource->data, (xsIntegerValue)resource->size);
	xsmcPetrifyHostBuffer(xsThis);
}

void xs_resource_exists(xsMachine *the)
{
	xsmcSetBoolean(xsResult, runner_find_resource(xsmcToString(xsArg(0))) != NULL);
}

void xs_resource_get_byteLength(xsMachine *the)
{
	xsmcSetInteger(xsResult, xsmcGetHostBufferLength(xsThis));
}

/* slice(begin, end): a copy, as an ArrayBuffer. */
void xs_resource_slice(xsMachine *the)
{
	xsIntegerValue length = xsmcGetHostBufferLength(xsThis);
	xsIntegerValue begin = xsmcArgc > 0 ? xsmcToInteger(xsArg(0)) : 0;
	xsIntegerValue end = xsmcArgc > 1 ? xsmcToInteger(xsArg(1)) : length;
	const uint8_t *data = xsmcGetHostData(xsThis);
	if (begin < 0) begin = 0;
	if (begin > length) begin = length;
	if (end > length) end = length;
	if (end < begin) end = begin;
	xsmcSetArrayBuffer(xsResult, (void *)(data + begin), end - begin);
}
