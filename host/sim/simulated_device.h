/*
 * The simulated chip both host programs run on (the runner, host/runner, and
 * the x-cli-lin build, x-cli-lin/main.c): the host ESP-IDF set up for a chip
 * and a running partition, over the NOR flash file, its partition table read.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct {
	const char *flash;            /* the flash file */
	const char *chip;             /* "esp32", "esp32c3"... */
	const char *running;          /* label of the app partition the firmware runs from */
	const char *trace;            /* JSON-lines trace file, or NULL */
	int strict;                   /* a program over non-erased bytes fails */
	int64_t power_cut_after;      /* N, or -1 for never */
	void (*on_restart)(void);     /* esp_restart; must not return */
	void (*on_power_cut)(void);   /* after the torn op; must not return */
} simulated_device;

/* Takes one of the flags both programs share: --flash, --chip, --running,
   --trace, --power-cut <n>, --partition-table-offset <n>. 1 if taken, 0 if
   `flag` is not one of them, -1 with the reason in `error` for a bad value. */
int simulated_device_flag(simulated_device *device, const char *flag, const char *value, char *error, size_t error_size);

/* 0, or -1 with what is wrong (a flag's value named) in `error`. */
int simulated_device_open(const simulated_device *device, char *error, size_t error_size);
