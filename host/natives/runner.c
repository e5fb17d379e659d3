/*
 * Natives of the host runner itself (not device modules): the job text, the
 * outcome the firmware reports, and heap marks for the XS heap figures.
 */
#include "xsmc.h"
#include "mc.xs.h"
#include "runner.h"
#include "host_xs_api.h"

/* The --job file's text. */
void xs_runner_job(xsMachine *the)
{
	xsmcSetString(xsResult, (char *)runner.job_text);
}

/* finish(ok, bug, json): the job's outcome, as JSON for the report. */
void xs_runner_finish(xsMachine *the)
{
	int ok = xsmcToBoolean(xsArg(0));
	int bug = xsmcToBoolean(xsArg(1));
	runner_finish(ok, bug, xsmcToString(xsArg(2)));
}

/* The firmware's JavaScript stack on the device: manifest.json's
   creation.stack (mcconfig's default, 384 slots, is too small: the job needs
   between 448 and 512, measured with this limit). The host needs more only to
   load the whole bundle as one script. */
#define RUNNER_DEVICE_STACK_SLOTS 768

/* Collects garbage and restarts the heap peak: call when the firmware is
   idle, just before the job, so the report can say what the job added. From
   then on the job runs in the device's stack: a call chain too deep for the
   chip aborts here too (XS stack overflow) instead of passing. */
void xs_runner_heap_mark(xsMachine *the)
{
	host_xs_heap heap;
	if (!host_xs_limit_stack(the, RUNNER_DEVICE_STACK_SLOTS))
		xsUnknownError("the firmware already uses more than the device's %d stack slots before its job", RUNNER_DEVICE_STACK_SLOTS);
	host_xs_heap_mark(the);
	host_xs_heap_read(the, &heap);
	runner.heap_idle = heap.used;
	runner.heap_marked = 1;
}

/* { used, peak, reserved } in bytes, for benches and logs. */
void xs_runner_heap(xsMachine *the)
{
	host_xs_heap heap;
	host_xs_heap_read(the, &heap);
	xsmcVars(1);
	xsmcSetNewObject(xsResult);
	xsmcSetInteger(xsVar(0), (xsIntegerValue)heap.used);
	xsmcSet(xsResult, xsID_used, xsVar(0));
	xsmcSetInteger(xsVar(0), (xsIntegerValue)heap.peak);
	xsmcSet(xsResult, xsID_peak, xsVar(0));
	xsmcSetInteger(xsVar(0), (xsIntegerValue)heap.reserved);
	xsmcSet(xsResult, xsID_reserved, xsVar(0));
}
