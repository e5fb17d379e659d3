/*
 * How the runner configures the host ESP-IDF before the firmware runs, and
 * the hooks it gets back. Not part of ESP-IDF: modules never include this.
 */
#pragma once

#include <stdint.h>
#include "esp_chip_info.h"

typedef struct {
	const char *name;            /* "esp32" */
	esp_chip_model_t model;
} host_idf_chip;

/* NULL-terminated table of the chips the runner accepts. */
extern const host_idf_chip host_idf_chips[];

typedef struct {
	esp_chip_model_t chip;
	const char *running_label;    /* the app partition the firmware runs from */
	uint32_t free_heap;           /* what esp_get_free_heap_size reports */
	void (*on_restart)(void);     /* esp_restart; must not return */
} host_idf_config;

void host_idf_configure(const host_idf_config *config);

/* Loads the table (as the device does on first use); 0 if it is valid, else
   an esp_err_t and a message. */
int host_idf_load_partitions(char *error, size_t error_size);
