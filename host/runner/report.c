/* The runner's JSON report and its one-line summary on stderr. */
#include "runner.h"
#include "host_xs_api.h"
#include "nor_sim.h"

#include <stdio.h>
#include <string.h>

static const char *runner_outcome_name(runner_outcome outcome)
{
	switch (outcome) {
	case RUNNER_DONE: return "done";
	case RUNNER_REFUSED: return "refused";
	case RUNNER_USAGE: return "usage";
	case RUNNER_POWER_CUT: return "power-cut";
	case RUNNER_CRASHED: return "crashed";
	case RUNNER_RESTARTED: return "restarted";
	default: return "running";
	}
}

static void runner_json_string(FILE *out, const char *text)
{
	const unsigned char *c;
	fputc('"', out);
	for (c = (const unsigned char *)text; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(out, "\\%c", *c);
		else if (*c < 0x20)
			fprintf(out, "\\u%04x", *c);
		else
			fputc(*c, out);
	}
	fputc('"', out);
}

void runner_write_report(runner_outcome outcome, const char *error_code, const char *error_message)
{
	const nor_counters *c = nor_get_counters();
	host_xs_heap heap = { 0, 0, 0, 0, 0 };
	FILE *out;
	if (runner.machine)
		host_xs_heap_read(runner.machine, &heap);
	fprintf(stderr, "reflasher-host: %s; %llu erase4k, %llu erase32k, %llu erase64k, %llu bytes written, %llu bytes read, %.1f ms modelled; heap peak %zu bytes (%zu above idle)%s\n",
		runner_outcome_name(outcome),
		(unsigned long long)c->erase4k, (unsigned long long)c->erase32k, (unsigned long long)c->erase64k,
		(unsigned long long)c->bytes_written, (unsigned long long)c->bytes_read, c->modeled_ms,
		heap.peak, heap.peak > runner.heap_idle ? heap.peak - runner.heap_idle : 0,
		c->defects ? "; DEFECTS: writes over non-erased flash" : "");
	if (!runner.report_path)
		return;
	out = fopen(runner.report_path, "w");
	if (!out) {
		fprintf(stderr, "reflasher-host: cannot write the report to %s\n", runner.report_path);
		return;
	}
	fprintf(out, "{\n  \"ok\": %s,\n  \"outcome\": \"%s\",\n  \"exitCode\": %d,\n",
		outcome == RUNNER_DONE ? "true" : "false", runner_outcome_name(outcome), (int)outcome);
	fprintf(out, "  \"error\": ");
	if (error_code) {
		fprintf(out, "{ \"code\": ");
		runner_json_string(out, error_code);
		fprintf(out, ", \"message\": ");
		runner_json_string(out, error_message ? error_message : "");
		fprintf(out, " },\n");
	}
	else
		fprintf(out, "null,\n");
	fprintf(out, "  \"firmware\": %s,\n", runner.finish_json ? runner.finish_json : "null");
	fprintf(out, "  \"ops\": { \"erase4k\": %llu, \"erase32k\": %llu, \"erase64k\": %llu, \"pagePrograms\": %llu, \"bytesWritten\": %llu, \"bytesRead\": %llu, \"ops\": %llu },\n",
		(unsigned long long)c->erase4k, (unsigned long long)c->erase32k, (unsigned long long)c->erase64k,
		(unsigned long long)c->page_programs, (unsigned long long)c->bytes_written, (unsigned long long)c->bytes_read,
		(unsigned long long)c->ops);
	fprintf(out, "  \"modeledMs\": %.3f,\n", c->modeled_ms);
	fprintf(out, "  \"heap\": { \"idleBytes\": %zu, \"peakBytes\": %zu, \"peakAboveIdleBytes\": %zu, \"reservedBytes\": %zu, \"slotSize\": %zu, \"marked\": %s",
		runner.heap_idle, heap.peak, heap.peak > runner.heap_idle ? heap.peak - runner.heap_idle : 0,
		heap.reserved, heap.slot_size, runner.heap_marked ? "true" : "false");
	if (host_xs_live_sampling)
		fprintf(out, ", \"liveMaxBytes\": %zu, \"liveAboveIdleBytes\": %zu",
			heap.live_max, heap.live_max > runner.heap_idle ? heap.live_max - runner.heap_idle : 0);
	fprintf(out, " },\n");
	fprintf(out, "  \"defects\": { \"count\": %llu, \"bytes\": %llu, \"firstAddress\": %s%u },\n",
		(unsigned long long)c->defects, (unsigned long long)c->defect_bytes,
		"", c->first_defect_address);
	if (runner.power_cut_after >= 0)
		fprintf(out, "  \"powerCut\": { \"afterOps\": %lld, \"happened\": %s }\n}\n", (long long)runner.power_cut_after, c->power_cut ? "true" : "false");
	else
		fprintf(out, "  \"powerCut\": null\n}\n");
	fclose(out);
}
