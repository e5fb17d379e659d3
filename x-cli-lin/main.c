/*
 * xs-reflasher on Linux: the C main() that `mcconfig -p x-cli-lin` programs
 * supply themselves. It opens the flash file with the host ESP-IDF of host/
 * (NOR simulator, partition table read from the file), maps the --resource
 * files, then runs the same linked firmware as the device (module src/main)
 * until the firmware restarts or halts.
 *
 * Exit codes: 0 the job was done (the firmware restarted, or halted done),
 * 1 it stopped (a refusal or a failure the retry policy gave up on),
 * 2 usage, bad flash file or table, 3 the simulated power cut, 4 a firmware
 * bug (uncaught exception, XS abort).
 *
 * Plain xs.h here, not xsmc.h (which redefines the xs* macros).
 */
#include "xs.h"
#include "mc.xs.h"
#include "esp_ota_ops.h"
#include "host_idf.h"
#include "nor_sim.h"
#include "simulated_device.h"
#include "runner.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_DONE = 0, EXIT_STOPPED = 1, EXIT_USAGE = 2, EXIT_POWER_CUT = 3, EXIT_BUG = 4 };

#define MAX_CONFIG 32

/* host/natives/resource.c finds the --resource files here. */
runner_state runner = { .power_cut_after = -1 };

static struct { const char *key, *value; } gConfig[MAX_CONFIG];
static int gConfigCount;

static void usage(const char *problem)
{
	if (problem)
		fprintf(stderr, "xs-reflasher: %s\n", problem);
	fprintf(stderr,
		"usage: xs-reflasher --flash <file> --chip <esp32|esp32c3|esp32s3|esp32c6|...> --running <label>\n"
		"                    [--config key=value]... [--resource name=path]...\n"
		"                    [--strict] [--trace <file>] [--power-cut <n>] [--partition-table-offset <n>]\n"
		"--config sets what mcconfig key=value sets on a device (mode, bundle, publicKey, staging,\n"
		"retryAttempts, retryDelay, retryMaxDelay, restart...).\n"
		"exit codes: 0 done, 1 stopped, 2 usage, 3 power cut, 4 firmware bug\n");
	exit(EXIT_USAGE);
}

/* name=value for --config; exits on anything else. */
static void split_pair(const char *flag, const char *text, char **name, const char **value)
{
	const char *equals = strchr(text, '=');
	char problem[160];
	if (!equals || equals == text) {
		snprintf(problem, sizeof(problem), "%s %s: expected name=value", flag, text);
		usage(problem);
	}
	*name = strndup(text, (size_t)(equals - text));
	*value = equals + 1;
}

static void on_power_cut(void)
{
	fprintf(stderr, "xs-reflasher: simulated power cut after %lld operations\n", (long long)runner.power_cut_after);
	fflush(NULL);
	_exit(EXIT_POWER_CUT);
}

/* The firmware restarts only when its job is done. */
static void on_restart(void)
{
	const nor_counters *c = nor_get_counters();
	fprintf(stderr, "xs-reflasher: restart: %llu erases, %llu page programs, %.0f ms modelled\n",
		(unsigned long long)(c->erase4k + c->erase32k + c->erase64k), (unsigned long long)c->page_programs, c->modeled_ms);
	nor_close();
	fflush(NULL);
	_exit(EXIT_DONE);
}

void fxAbort(xsMachine *the, int status)
{
	fprintf(stderr, "xs-reflasher: XS abort %d\n", status);
	nor_close();
	fflush(NULL);
	_exit(EXIT_BUG);
}

/* mc/config: { key: "value" } from the --config flags. */
void xs_cli_config(xsMachine *the)
{
	int i;
	xsResult = xsNewObject();
	for (i = 0; i < gConfigCount; i++)
		xsSet(xsResult, xsID(gConfig[i].key), xsString(gConfig[i].value));
}

/* halt(done) of src/target/host.ts: the job will not run again. */
void xs_cli_exit(xsMachine *the)
{
	int code = xsToInteger(xsArg(0));
	nor_close();
	fflush(NULL);
	_exit(code == 0 ? EXIT_DONE : EXIT_STOPPED);
}

static void configure(int argc, char **argv)
{
	simulated_device device = { NULL, NULL, NULL, NULL, 0, -1, on_restart, on_power_cut };
	int i, taken;
	char error[256];

	for (i = 1; i < argc; i++) {
		const char *flag = argv[i];
		const char *value = (i + 1 < argc) ? argv[i + 1] : NULL;
		char *name;
		if (!strcmp(flag, "--strict")) { device.strict = 1; continue; }
		if (!strcmp(flag, "--help") || !strcmp(flag, "-h")) usage(NULL);
		if (!value) {
			snprintf(error, sizeof(error), "%s: missing value", flag);
			usage(error);
		}
		i++;
		taken = simulated_device_flag(&device, flag, value, error, sizeof(error));
		if (taken < 0) usage(error);
		if (taken) continue;
		if (!strcmp(flag, "--config")) {
			if (gConfigCount == MAX_CONFIG) usage("--config: too many");
			split_pair(flag, value, &name, &gConfig[gConfigCount].value);
			gConfig[gConfigCount++].key = name;
		}
		else if (!strcmp(flag, "--resource")) {
			if (runner_add_resource(value, error, sizeof(error)) < 0)
				usage(error);
		}
		else {
			snprintf(error, sizeof(error), "unknown flag %s", flag);
			usage(error);
		}
	}
	if (!device.flash || !device.chip || !device.running)
		usage("--flash, --chip and --running are required");

	runner.power_cut_after = device.power_cut_after;
	if (simulated_device_open(&device, error, sizeof(error)) < 0)
		usage(error);
}

int main(int argc, char **argv)
{
	xsMachine *machine;
	int status = EXIT_BUG;

	configure(argc, argv);
	machine = xsPrepareMachine(NULL, xsPreparation(), "xs-reflasher", NULL, NULL);
	if (!machine) {
		fprintf(stderr, "xs-reflasher: the linked firmware does not match this XS engine\n");
		return EXIT_BUG;
	}
	runner.machine = machine;
	xsBeginHost(machine);
	{
		xsVars(1);
		xsTry {
			xsVar(0) = xsAwaitImport("src/main", XS_IMPORT_DEFAULT);
			xsCallFunction0(xsVar(0), xsUndefined);
			status = EXIT_STOPPED;
		}
		xsCatch {
			fprintf(stderr, "xs-reflasher: uncaught exception: %s\n", xsToString(xsException));
		}
	}
	xsEndHost(machine);
	if (status == EXIT_STOPPED) {
		/* Promise jobs and timers run on GLib's default context (lin_xs.c,
		   timer/lin); the firmware ends the program through halt or restart. */
		for (;;)
			g_main_context_iteration(NULL, TRUE);
	}
	nor_close();
	return status;
}
