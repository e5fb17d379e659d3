/*
 * The device tier's XS machine: creation, scripts evaluated from memory
 * (the host runtime reads them from files, host/xs/host_xs.c), the guard
 * every entry into XS runs under, and the abort hook the shared platform
 * layer calls when XS cannot go on. Compiled binaries: dev_xs_binary.c.
 */
#include "xsAll.h"
#include "xsScript.h"
#include "host_xs_api.h"
#include "dev_xs.h"
#include "dev_xs_private.h"

typedef struct {
	const char *text;
	size_t at;
} dev_xs_source;

static int dev_xs_getc(void *data)
{
	dev_xs_source *source = data;
	char c = source->text[source->at];
	if (!c)
		return C_EOF;
	source->at++;
	return (unsigned char)c;
}

/* XS aborts (memory full, stack overflow, unhandled exception): a test
   cannot go on, so the tier stops with a line the runner recognises. */
void host_runtime_abort(xsMachine *the, int status, const char *why)
{
	/* The JavaScript frames, innermost first, with the stack each one reached;
	   before the line the runner stops at. */
	for (txSlot *frame = the->frame; frame; frame = frame->next) {
		char name[96] = "";
		fxBufferFrameName(the, name, sizeof(name), frame, "");
		printf("  at %s (stack %d of %d slots)\n", name, (int)(the->stackTop - frame), (int)(the->stackTop - the->stackBottom));
	}
	printf("DEVICE-TESTS: XS abort %d: %s\n", status, why);
	fflush(stdout);
	abort();
}

xsMachine *dev_xs_create(size_t parser_bytes)
{
	/* Sized for the ESP32-C3's ~300 KiB of heap; the parser's memory is
	   only held while a script is parsed. */
	xsCreation creation = {
		8 * 1024,    /* initialChunkSize */
		8 * 1024,    /* incrementalChunkSize */
		512,         /* initialHeapCount (slots) */
		256,         /* incrementalHeapCount */
		768,         /* stackCount: the firmware's creation.stack (manifest.json) */
		512,         /* initialKeyCount */
		128,         /* incrementalKeyCount */
		127,         /* nameModulo */
		127,         /* symbolModulo */
		parser_bytes, /* parserBufferSize */
		127,         /* parserTableModulo */
		0,           /* staticSize */
	};
	xsMachine *the = xsCreateMachine(&creation, "device-tests", NULL);
	if (!the)
		return NULL;
	xsBeginHost(the);
	{
		host_xs_install_globals(the);
	}
	xsEndHost(the);
	return the;
}

void dev_xs_delete(xsMachine *the)
{
	xsDeleteMachine(the);
}

static void dev_xs_copy(char *out, size_t out_size, const char *text)
{
	if (out && out_size) {
		snprintf(out, out_size, "%s", text ? text : "");
	}
}

int dev_xs_guard(xsMachine *the, dev_xs_body body, void *data, char *out, size_t out_size)
{
	volatile int ok = 0; /* set inside xsTry (setjmp) */
	xsBeginHost(the);
	{
		xsVars(1);
		xsTry {
			body(the, data, out, out_size);
			ok = 1;
		}
		xsCatch {
			xsVar(0) = xsException;
			if (xsIsInstanceOf(xsVar(0), xsErrorPrototype))
				xsVar(0) = xsGet(xsVar(0), xsID("message"));
			dev_xs_copy(out, out_size, xsToString(xsVar(0)));
			ok = 0;
		}
	}
	xsEndHost(the);
	return ok;
}

void dev_xs_run_script(xsMachine *the, txScript *script, char *out, size_t out_size)
{
	txSlot *realm = mxProgram.value.reference->next->value.module.realm;
	fxRunScript(the, script, mxRealmGlobal(realm), C_NULL, mxRealmClosures(realm)->value.reference, C_NULL, mxProgram.value.reference);
	mxPullSlot(&xsVar(0));
	host_xs_run_loop(the);
	dev_xs_copy(out, out_size, xsToString(xsVar(0)));
}

static void dev_xs_eval_body(xsMachine *the, void *data, char *out, size_t out_size)
{
	txScript *script = fxParseScript(the, data, dev_xs_getc, mxProgramFlag);
	if (!script)
		mxSyntaxError("script: parse failed");
	dev_xs_run_script(the, script, out, out_size); /* XS frees a parsed script once it has run */
}

int dev_xs_eval(xsMachine *the, const char *text, char *out, size_t out_size)
{
	dev_xs_source source = { text, 0 };
	return dev_xs_guard(the, dev_xs_eval_body, &source, out, out_size);
}
