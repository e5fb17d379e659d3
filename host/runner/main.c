/*
 * reflasher-host: runs the firmware bundle in XS against a simulated flash.
 * See usage() for the flags and the exit codes.
 */
#include "xs.h"
#include "host_xs_api.h"
#include "host_idf.h"
#include "esp_ota_ops.h"
#include "nor_sim.h"
#include "simulated_device.h"
#include "runner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

runner_state runner = { .power_cut_after = -1 };

static void usage(const char *problem)
{
	if (problem)
		fprintf(stderr, "reflasher-host: %s\n", problem);
	fprintf(stderr,
		"usage: reflasher-host --flash <file> --chip <esp32|esp32c3|...> --running <label> --job <job.json>\n"
		"                      [--resource name=path]... [--firmware build/host/firmware.js] [--trace <file>]\n"
		"                      [--power-cut <n>] [--report <file.json>] [--strict] [--partition-table-offset <n>] [--heap-sample]\n"
		"exit codes: 0 done, 1 job refused or failed (ReflashError), 2 usage or bad flash/table,\n"
		"            3 power cut, 4 firmware bug (uncaught exception, XS abort, no outcome), 5 restarted before an outcome\n");
	exit(RUNNER_USAGE);
}

void runner_finish(int ok, int bug, const char *json)
{
	free(runner.finish_json);
	runner.finish_json = strdup(json);
	runner.finish_ok = ok;
	runner.finish_bug = bug;
}

static char *runner_read_text(const char *path)
{
	char error[256];
	size_t size;
	const uint8_t *data = runner_map_file(path, &size, error, sizeof(error));
	char *text;
	if (!data) {
		fprintf(stderr, "reflasher-host: %s\n", error);
		exit(RUNNER_USAGE);
	}
	text = malloc(size + 1);
	if (!text)
		exit(RUNNER_CRASHED);
	memcpy(text, data, size);
	text[size] = 0;
	return text;
}

static void runner_on_power_cut(void)
{
	runner_write_report(RUNNER_POWER_CUT, "POWER_CUT", "the simulated power cut stopped the run");
	fflush(NULL);
	_exit(RUNNER_POWER_CUT);
}

static runner_outcome runner_outcome_now(void)
{
	if (!runner.finish_json || runner.finish_bug)
		return RUNNER_CRASHED;
	return runner.finish_ok ? RUNNER_DONE : RUNNER_REFUSED;
}

static void runner_on_restart(void)
{
	runner_outcome outcome = runner.finish_json ? runner_outcome_now() : RUNNER_RESTARTED;
	runner_write_report(outcome, outcome == RUNNER_RESTARTED ? "RESTARTED" : NULL, "esp_restart before the job reported an outcome");
	nor_close();
	fflush(NULL);
	_exit(outcome);
}

void host_runtime_abort(xsMachine *the, int status, const char *why)
{
	fprintf(stderr, "reflasher-host: firmware aborted: %s\n", why);
	runner_write_report(RUNNER_CRASHED, "XS_ABORT", why);
	nor_close();
	fflush(NULL);
	_exit(RUNNER_CRASHED);
}

/* Copies the JSON string value that starts at `at` (just past its opening
   quote) into `out`, undoing the escapes JSON.stringify writes; a \uXXXX
   escape outside ASCII becomes '?'. Stops at the closing quote. */
static void json_string_value(const char *at, char *out, size_t size)
{
	size_t n = 0;
	static const char plain[] = "\"\\/bfnrt", meant[] = "\"\\/\b\f\n\r\t";
	for (; *at && *at != '"' && n + 1 < size; at++) {
		char c = *at;
		if (c == '\\' && at[1]) {
			const char *e = strchr(plain, *++at);
			if (e) c = meant[e - plain];
			else if (*at == 'u' && at[1] && at[2] && at[3] && at[4]) {
				unsigned v = 0;
				sscanf(at + 1, "%4x", &v);
				c = v < 0x80 ? (char)v : '?';
				at += 4;
			}
		}
		out[n++] = c;
	}
	out[n] = 0;
}

/* The error code and message the firmware reported, for the report. */
static void runner_finish_error(char *code, size_t code_size, char *message, size_t message_size)
{
	const char *json = runner.finish_json, *at;
	code[0] = message[0] = 0;
	if (!json)
		return;
	/* The entry writes "code" and "message" with JSON.stringify: find them
	   without a JSON parser; the full object is in the report anyway. */
	if ((at = strstr(json, "\"code\":\"")))
		sscanf(at + 8, "%63[^\"]", code);
	if ((at = strstr(json, "\"message\":\"")))
		json_string_value(at + 11, message, message_size);
}

int main(int argc, char **argv)
{
	const char *job = NULL;
	simulated_device device = { NULL, NULL, NULL, NULL, 0, -1, runner_on_restart, runner_on_power_cut };
	const char *firmware = "build/host/firmware.js";
	int i, taken;
	char error[256];
	/* Small growth steps, as Moddable's ESP32 targets use (e.g. esp32c3:
	   chunk 1536 + 512, heap 512 + 64 slots, inside a static block), so
	   XS collects before it grows; the host's initial sizes are larger
	   because it parses the whole bundle at start. */
	xsCreation creation = {
		32 * 1024,   /* initialChunkSize */
		1024,        /* incrementalChunkSize */
		2048,        /* initialHeapCount (slots) */
		64,          /* incrementalHeapCount */
		2048,        /* stackCount */
		2048,        /* initialKeyCount */
		256,         /* incrementalKeyCount */
		1993,        /* nameModulo */
		127,         /* symbolModulo */
		256 * 1024,  /* parserBufferSize */
		1993,        /* parserTableModulo */
		0,           /* staticSize */
	};
	xsMachine *machine;
	runner_outcome outcome;

	for (i = 1; i < argc; i++) {
		const char *flag = argv[i];
		const char *value = (i + 1 < argc) ? argv[i + 1] : NULL;
		if (!strcmp(flag, "--strict")) { device.strict = 1; continue; }
		if (!strcmp(flag, "--heap-sample")) { host_xs_live_sampling = 1; continue; }
		if (!strcmp(flag, "--help") || !strcmp(flag, "-h")) usage(NULL);
		if (!value) {
			snprintf(error, sizeof(error), "%s: missing value", flag);
			usage(error);
		}
		i++;
		taken = simulated_device_flag(&device, flag, value, error, sizeof(error));
		if (taken < 0) usage(error);
		if (taken) continue;
		if (!strcmp(flag, "--job")) job = value;
		else if (!strcmp(flag, "--firmware")) firmware = value;
		else if (!strcmp(flag, "--report")) runner.report_path = value;
		else if (!strcmp(flag, "--resource")) {
			if (runner_add_resource(value, error, sizeof(error)) < 0)
				usage(error);
		}
		else {
			snprintf(error, sizeof(error), "unknown flag %s", flag);
			usage(error);
		}
	}
	if (!device.flash || !device.chip || !device.running || !job)
		usage("--flash, --chip, --running and --job are required");

	runner.power_cut_after = device.power_cut_after;
	if (simulated_device_open(&device, error, sizeof(error)) < 0)
		usage(error);
	runner.job_text = runner_read_text(job);
	if (access(firmware, R_OK)) {
		snprintf(error, sizeof(error), "--firmware %s: %s (build it with npm run build:host)", firmware, strerror(errno));
		usage(error);
	}

	machine = xsCreateMachine(&creation, "reflasher", NULL);
	runner.machine = machine;
	xsBeginHost(machine);
	{
		xsTry {
			host_xs_install_globals(the);
			host_xs_run_program(the, firmware);
			host_xs_run_loop(the);
		}
		xsCatch {
			const char *message = xsToString(xsException);
			fprintf(stderr, "reflasher-host: uncaught exception: %s\n", message);
			runner_finish(0, 1, "{\"ok\":false,\"bug\":true}");
			snprintf(error, sizeof(error), "%s", message);
		}
	}
	xsEndHost(machine);

	outcome = runner_outcome_now();
	if (outcome == RUNNER_DONE)
		runner_write_report(outcome, NULL, NULL);
	else if (!runner.finish_json) {
		runner_write_report(outcome, "NO_OUTCOME", "the firmware ended without reporting an outcome");
	}
	else {
		char code[64], message[512];
		runner_finish_error(code, sizeof(code), message, sizeof(message));
		if (!code[0])
			snprintf(code, sizeof(code), "BUG");
		runner_write_report(outcome, code, message[0] ? message : error);
	}
	xsDeleteMachine(machine);
	runner.machine = NULL;
	nor_close();
	return outcome;
}
