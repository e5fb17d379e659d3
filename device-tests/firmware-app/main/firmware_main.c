/*
 * Starts the tier's firmware: one XS machine, the configuration from the
 * fwcfg partition as `deviceConfig`, the bundled TypeScript (js/entry.ts)
 * compiled to XS bytecode on the host and run here, then the network, then its reflasherMain(), which runs the
 * reflash and restarts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev_xs.h"
#include "esp_heap_caps.h"
#include "esp_partition.h"
#include "esp_system.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "fw_net.h"

extern const uint8_t firmware_xsb_start[] asm("_binary_firmware_xsb_start");
extern const uint8_t firmware_xsb_end[] asm("_binary_firmware_xsb_end");

static char *fw_config(void)
{
	const esp_partition_t *cfg = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, 0x40, "fwcfg");
	char *text = cfg ? calloc(1, cfg->size + 1) : NULL;
	if (!text || esp_partition_read(cfg, 0, text, cfg->size) != ESP_OK)
		return NULL;
	char *end = memchr(text, 0xFF, cfg->size); /* the rest of the sector is erased */
	if (end)
		*end = 0;
	return text;
}

static TaskHandle_t fw_main_task;

/* Every 10 s: the heap, so a stall in the emulator log says what it had left. */
static void fw_watch(void *arg)
{
	for (;;) {
		vTaskDelay(pdMS_TO_TICKS(10000));
		printf("reflasher firmware: alive, free heap %u, minimum ever %u, largest %u, main stack never used %u\n",
			(unsigned)esp_get_free_heap_size(), (unsigned)esp_get_minimum_free_heap_size(), (unsigned)heap_caps_get_largest_free_block(MALLOC_CAP_8BIT),
			(unsigned)uxTaskGetStackHighWaterMark(fw_main_task));
	}
}

void app_main(void)
{
	char out[256];
	printf("reflasher firmware: start (free heap %u)\n", (unsigned)esp_get_free_heap_size());
	fw_main_task = xTaskGetCurrentTaskHandle();
	xTaskCreate(fw_watch, "fw_watch", 2048, NULL, 1, NULL);
	char *config = fw_config();
	if (!config || config[0] != '{') {
		printf("reflasher firmware: no configuration in fwcfg\n");
		return;
	}
	xsMachine *the = dev_xs_create(8 * 1024);
	if (!the) {
		printf("reflasher firmware: no XS machine\n");
		return;
	}
	printf("reflasher firmware: XS machine created (free heap %u)\n", (unsigned)esp_get_free_heap_size());
	char *set = NULL;
	if (asprintf(&set, "globalThis.deviceConfig = %s; 'configured'", config) < 0)
		return;
	free(config);
	int ok = dev_xs_eval(the, set, out, sizeof(out));
	free(set);
	if (!ok) {
		printf("reflasher firmware: bad configuration: %s\n", out);
		return;
	}
	/* The bundle comes compiled (build-bundle.mjs, xs-compile), linked here
	   into the xscode partition and run from flash. */
	const esp_partition_t *xscode = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, 0x41, "xscode");
	int pieces = 0;
	if (!xscode || !dev_xs_run_binaries(the, firmware_xsb_start, (size_t)(firmware_xsb_end - firmware_xsb_start), xscode,
			&pieces, out, sizeof(out))) {
		printf("reflasher firmware: script failed: %s (free heap %u, largest block %u)\n", xscode ? out : "no xscode partition",
			(unsigned)esp_get_free_heap_size(), (unsigned)heap_caps_get_largest_free_block(MALLOC_CAP_8BIT));
		return;
	}
	printf("reflasher firmware: script loaded in %d pieces (free heap %u)\n", pieces, (unsigned)esp_get_free_heap_size());
	if (!fw_net_up(20000)) {
		printf("reflasher firmware: no DHCP lease in 20 s\n");
		return;
	}
	ok = dev_xs_eval(the, "reflasherMain()", out, sizeof(out));
	/* Only reached when the job did not restart the chip. */
	printf("reflasher firmware: script %s: %s (free heap %u)\n", ok ? "ended" : "threw", out,
		(unsigned)esp_get_free_heap_size());
}
