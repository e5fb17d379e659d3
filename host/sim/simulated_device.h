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

/* 0, or -1 with what is wrong (a flag's value named) in `error`. */
int simulated_device_open(const simulated_device *device, char *error, size_t error_size);
