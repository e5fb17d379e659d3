/*
 * Moddable's Resource on the host: the files given with --resource
 * name=path, mapped read-only by the runner, as read-only host buffers (on
 * the device they are memory-mapped from the app image).
 */
#include "xsmc.h"
#include "mc.xs.h"
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Both host programs (host/runner, x-cli-lin) keep their resources in `runner`. */
const runner_resource *runner_find_resource(const char *name)
{
	int i;
	for (i = 0; i < runner.resource_count; i++) {
		if (!strcmp(runner.resources[i].name, name))
			return &runner.resources[i];
	}
	return NULL;
}

const uint8_t *runner_map_file(const char *path, size_t *size, char *error, size_t error_size)
{
	struct stat st;
	void *data;
	int fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(error, error_size, "cannot open %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	*size = (size_t)st.st_size;
	data = st.st_size ? mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0) : (void *)"";
	close(fd);
	if (data == MAP_FAILED) {
		snprintf(error, error_size, "cannot map %s: %s", path, strerror(errno));
		return NULL;
	}
	return data;
}

int runner_add_resource(const char *spec, char *error, size_t error_size)
{
	const char *equals = strchr(spec, '=');
	runner_resource *r;
	if (!equals || equals == spec) {
		snprintf(error, error_size, "--resource %s: expected name=path", spec);
		return -1;
	}
	if (runner.resource_count == RUNNER_MAX_RESOURCES) {
		snprintf(error, error_size, "--resource: more than %d resources", RUNNER_MAX_RESOURCES);
		return -1;
	}
	r = &runner.resources[runner.resource_count];
	r->data = runner_map_file(equals + 1, &r->size, error, error_size);
	if (!r->data)
		return -1;
	r->name = strndup(spec, (size_t)(equals - spec));
	runner.resource_count++;
	return 0;
}

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
