/*
 * State shared by the runner (main.c, report.c) and its natives
 * (natives/runner.c, natives/resource.c). Plain C: no xs.h here.
 */
#ifndef RUNNER_H
#define RUNNER_H

#include <stddef.h>
#include <stdint.h>

/* How a run ended; each maps to one exit code (see main.c's usage text). */
typedef enum {
	RUNNER_RUNNING = -1,
	RUNNER_DONE = 0,        /* the job finished */
	RUNNER_REFUSED = 1,     /* the job was refused or failed with a ReflashError */
	RUNNER_USAGE = 2,       /* bad command line, flash file or partition table */
	RUNNER_POWER_CUT = 3,   /* --power-cut fired */
	RUNNER_CRASHED = 4,     /* a firmware bug: uncaught exception, XS abort, no outcome */
	RUNNER_RESTARTED = 5,   /* the firmware called esp_restart before reporting */
} runner_outcome;

typedef struct {
	const char *name;
	const uint8_t *data;
	size_t size;
} runner_resource;

#define RUNNER_MAX_RESOURCES 32

typedef struct {
	void *machine;                 /* xsMachine* */
	const char *job_text;          /* the --job file, NUL-terminated */
	runner_resource resources[RUNNER_MAX_RESOURCES];
	int resource_count;
	char *finish_json;             /* what the firmware reported, or NULL */
	int finish_ok;
	int finish_bug;                /* the firmware reported a non-ReflashError */
	size_t heap_idle;              /* used bytes at the last heap mark */
	int heap_marked;
	int64_t power_cut_after;
	const char *report_path;
} runner_state;

extern runner_state runner;

const runner_resource *runner_find_resource(const char *name);
/* Maps a file read-only (an empty file maps to a valid empty buffer); NULL
   with the reason in `error`. */
const uint8_t *runner_map_file(const char *path, size_t *size, char *error, size_t error_size);
/* --resource name=path: maps the file under that name; -1 with the reason in
   `error` (no '=', too many resources, a file that cannot be mapped). */
int runner_add_resource(const char *spec, char *error, size_t error_size);
/* Sets the outcome the firmware reported (copies `json`). */
void runner_finish(int ok, int bug, const char *json);

/* Writes the JSON report (if --report was given) and prints a summary. */
void runner_write_report(runner_outcome outcome, const char *error_code, const char *error_message);

#endif
