/*
 * The XS platform of the host runtime: machine hooks, promise jobs, timers
 * (setTimeout/clearTimeout for the firmware), the run loop, script
 * evaluation, trace, and heap figures. Uses the XS internal API (xsAll.h).
 */
#include "xsAll.h"
#include "xsScript.h"
#include "host_xs_api.h"

#include <sys/time.h>

typedef struct host_timer host_timer;
struct host_timer {
	host_timer *next;
	txMachine *the;       /* NULL once fired or cleared: the loop frees it */
	double when;          /* ms, monotonic */
	txSlot self;          /* the host object setTimeout returned */
	txSlot function;
	txSlot argument;
};

static void host_timer_destroy(void *data);
static void host_timer_mark(txMachine *the, void *data, txMarkRoot markRoot);
static txHostHooks host_timer_hooks = { host_timer_destroy, host_timer_mark };

static double host_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1000.0) + ((double)ts.tv_nsec / 1000000.0);
}

void fxCreateMachinePlatform(txMachine *the)
{
	the->promiseJobs = 0;
	the->timers = NULL;
	the->stackBase = NULL;
	the->abortStatus = 0;
}

void fxDeleteMachinePlatform(txMachine *the)
{
	host_timer *timer = the->timers;
	while (timer) {
		host_timer *next = timer->next;
		c_free(timer);
		timer = next;
	}
	the->timers = NULL;
	if (the->stackBase)
		the->stackBottom = the->stackBase; /* XS frees the stack from its bottom */
}

void fxQueuePromiseJobs(txMachine *the)
{
	the->promiseJobs = 1;
}

void fxAbort(txMachine *the, int status)
{
	const char *why;
	switch (status) {
	case XS_STACK_OVERFLOW_EXIT: why = "XS stack overflow"; break;
	case XS_NOT_ENOUGH_MEMORY_EXIT: why = "XS memory full"; break;
	case XS_NO_MORE_KEYS_EXIT: why = "XS out of keys"; break;
	case XS_UNHANDLED_EXCEPTION_EXIT: why = "unhandled exception"; break;
	case XS_UNHANDLED_REJECTION_EXIT: why = "unhandled promise rejection"; break;
	case XS_TOO_MUCH_COMPUTATION_EXIT: why = "too much computation"; break;
	default: why = "XS abort"; break;
	}
	the->abortStatus = status;
	host_runtime_abort(the, status, why);
}

/* TIMERS */

static void host_timer_destroy(void *data)
{
	/* The timer list owns the memory; the loop frees fired timers. */
}

static void host_timer_mark(txMachine *the, void *data, txMarkRoot markRoot)
{
	host_timer *timer = data;
	if (timer) {
		(*markRoot)(the, &timer->function);
		(*markRoot)(the, &timer->argument);
	}
}

static void host_timer_retire(txMachine *the, host_timer *timer)
{
	fxAccess(the, &timer->self);
	fxForget(the, &timer->self);
	fxSetHostData(the, &the->scratch, NULL);
	timer->the = NULL;
}

static void host_setTimeout(txMachine *the)
{
	host_timer *timer, **link;
	txNumber delay = (mxArgc > 1) ? fxToNumber(the, mxArgv(1)) : 0;
	if (mxArgc < 1 || !fxIsCallable(the, mxArgv(0)))
		mxTypeError("setTimeout: callback is not a function");
	if (!(delay >= 0))
		delay = 0;
	timer = c_calloc(1, sizeof(host_timer));
	if (!timer)
		fxAbort(the, XS_NOT_ENOUGH_MEMORY_EXIT);
	timer->the = the;
	timer->when = host_now_ms() + delay;
	timer->function = *mxArgv(0);
	timer->argument = (mxArgc > 2) ? *mxArgv(2) : mxUndefined;
	fxNewHostObject(the, NULL);
	mxPull(timer->self);
	fxSetHostData(the, &timer->self, timer);
	fxSetHostHooks(the, &timer->self, &host_timer_hooks);
	fxRemember(the, &timer->self);
	link = (host_timer **)&the->timers;
	while (*link)
		link = &(*link)->next;
	*link = timer;
	fxAccess(the, &timer->self);
	*mxResult = the->scratch;
}

static void host_clearTimeout(txMachine *the)
{
	host_timer *timer;
	if (mxArgc < 1 || mxArgv(0)->kind != XS_REFERENCE_KIND)
		return; /* clearTimeout(undefined) is a no-op, as in browsers */
	if (fxGetHostHooks(the, mxArgv(0)) != &host_timer_hooks)
		mxTypeError("clearTimeout: not a timer");
	timer = fxGetHostData(the, mxArgv(0));
	if (timer && timer->the)
		host_timer_retire(the, timer);
}

static void host_trace(txMachine *the)
{
	txInteger i;
	for (i = 0; i < mxArgc; i++)
		fputs(fxToString(the, mxArgv(i)), stdout);
	fflush(stdout);
}

/* Runs the first due timer; returns 1 if one ran, 0 if none was due, -1 if
   no timer is pending at all. */
static int host_run_due_timer(txMachine *the)
{
	host_timer **link = (host_timer **)&the->timers;
	host_timer *timer;
	double now = host_now_ms();
	int pending = 0;
	while ((timer = *link)) {
		if (!timer->the) {
			*link = timer->next;
			c_free(timer);
			continue;
		}
		pending = 1;
		if (timer->when <= now) {
			txSlot function = timer->function, argument = timer->argument;
			host_timer_retire(the, timer);
			mxPushUndefined();
			mxPushSlot(&function);
			mxCall();
			mxPushSlot(&argument);
			mxRunCount(1);
			mxPop();
			return 1;
		}
		link = &timer->next;
	}
	return pending ? 0 : -1;
}

static double host_next_timer_delay(txMachine *the)
{
	host_timer *timer = the->timers;
	double next = -1, now = host_now_ms();
	for (; timer; timer = timer->next) {
		if (timer->the && (next < 0 || timer->when < next))
			next = timer->when;
	}
	return (next < 0) ? -1 : (next > now ? next - now : 0);
}

/* With host_xs_live_sampling on, the loop collects garbage after every
   batch of promise jobs and keeps the largest live heap it saw: the live
   peak at job granularity, where `peak` also counts garbage not yet
   collected. Slow (a full collection per turn): for benchmarks. */
int host_xs_live_sampling = 0;
static size_t host_xs_live_max = 0;

static void host_xs_sample_live(txMachine *the)
{
	size_t live;
	fxCollectGarbage(the);
	live = (size_t)the->currentChunksSize + ((size_t)the->currentHeapCount * sizeof(txSlot));
	if (live > host_xs_live_max)
		host_xs_live_max = live;
}

void host_xs_run_loop(txMachine *the)
{
	for (;;) {
		int ran;
		while (the->promiseJobs) {
			the->promiseJobs = 0;
			fxRunPromiseJobs(the);
			if (host_xs_live_sampling)
				host_xs_sample_live(the);
		}
		fxEndJob(the);
		if (the->promiseJobs)
			continue;
		ran = host_run_due_timer(the);
		if (ran < 0)
			break;
		if (ran == 0) {
			double delay = host_next_timer_delay(the);
			if (delay > 0)
				usleep((useconds_t)(delay * 1000.0));
		}
	}
	fxCheckUnhandledRejections(the, 1);
}

/* SCRIPTS */

void host_xs_run_program(txMachine *the, const char *path)
{
	txSlot *realm = mxProgram.value.reference->next->value.module.realm;
	txScript *script;
	FILE *file = fopen(path, "r");
	if (!file)
		mxUnknownError("cannot open %s", path);
	script = fxParseScript(the, file, (txGetter)fgetc, mxProgramFlag);
	fclose(file);
	if (!script)
		mxSyntaxError("%s: parse failed", path);
	fxRunScript(the, script, mxRealmGlobal(realm), C_NULL, mxRealmClosures(realm)->value.reference, C_NULL, mxProgram.value.reference);
	mxPullSlot(mxResult);
}

/* GLOBALS */

extern void host_native_install(txMachine *the);
extern void host_native_define(txMachine *the, const char *name, txCallback callback, txInteger length);

void host_xs_install_globals(txMachine *the)
{
	host_native_define(the, "setTimeout", host_setTimeout, 2);
	host_native_define(the, "clearTimeout", host_clearTimeout, 1);
	host_native_define(the, "trace", host_trace, 1);
	host_native_install(the);
}

/* Makes a host constructor behave as a base class constructor: XS then
   creates `this` from new.target's prototype with fxNewHostInstance (which
   gives it its own host slot with the prototype's destructor) before the
   callback runs, and `new`/super() return it. This is what xsc does for the
   classes it binds with Native(). */
void host_xs_make_base_constructor(txMachine *the, txSlot *constructor)
{
	txSlot *instance = fxGetInstance(the, constructor);
	if (!instance || !instance->next || instance->next->kind != XS_CALLBACK_KIND)
		mxTypeError("Native: not a host constructor");
	instance->next->flag |= XS_BASE_FLAG;
}

/* HEAP */

void host_xs_heap_read(txMachine *the, host_xs_heap *out)
{
	out->slot_size = sizeof(txSlot);
	out->reserved = (size_t)the->maximumChunksSize + ((size_t)the->maximumHeapCount * sizeof(txSlot));
	out->used = (size_t)the->currentChunksSize + ((size_t)the->currentHeapCount * sizeof(txSlot));
	out->peak = (size_t)the->peakChunksSize + ((size_t)the->peakHeapCount * sizeof(txSlot));
	out->live_max = host_xs_live_max;
}

int host_xs_limit_stack(txMachine *the, int slots)
{
	txSlot *bottom = the->stackTop - slots;
	if (the->stack < bottom)
		return 0;
	if (bottom > the->stackBottom) {
		if (!the->stackBase)
			the->stackBase = the->stackBottom;
		the->stackBottom = bottom;
	}
	return 1;
}

void host_xs_heap_mark(txMachine *the)
{
	fxCollectGarbage(the);
	the->peakChunksSize = the->currentChunksSize;
	the->peakHeapCount = the->currentHeapCount;
	host_xs_live_max = (size_t)the->currentChunksSize + ((size_t)the->currentHeapCount * sizeof(txSlot));
}
