/* esp_system, esp_chip_info, esp_timer, heap_caps and esp_err names for the
   host, configured by the runner through host_idf_configure(). */
#include "esp_chip_info.h"
#include "esp_err.h"
#include "esp_heap_caps.h"
#include "esp_system.h"
#include "esp_timer.h"
#include "host_idf.h"
#include "nor_sim.h"

#include <stdlib.h>
#include <time.h>

extern void host_idf_ota_set_running(const char *label);

const host_idf_chip host_idf_chips[] = {
	{ "esp32", CHIP_ESP32 },
	{ "esp32s2", CHIP_ESP32S2 },
	{ "esp32s3", CHIP_ESP32S3 },
	{ "esp32c2", CHIP_ESP32C2 },
	{ "esp32c3", CHIP_ESP32C3 },
	{ "esp32c5", CHIP_ESP32C5 },
	{ "esp32c6", CHIP_ESP32C6 },
	{ "esp32h2", CHIP_ESP32H2 },
	{ "esp32p4", CHIP_ESP32P4 },
	{ NULL, 0 },
};

static host_idf_config host_config = { CHIP_ESP32, NULL, 200 * 1024, NULL };
static double host_start_ms = -1;

static double host_monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1000.0) + ((double)ts.tv_nsec / 1000000.0);
}

void host_idf_configure(const host_idf_config *config)
{
	host_config = *config;
	host_idf_ota_set_running(config->running_label);
	host_start_ms = host_monotonic_ms();
}

void esp_chip_info(esp_chip_info_t *out_info)
{
	out_info->model = host_config.chip;
	out_info->features = CHIP_FEATURE_WIFI_BGN | CHIP_FEATURE_BLE;
	out_info->revision = 100;
	out_info->cores = (host_config.chip == CHIP_ESP32 || host_config.chip == CHIP_ESP32S3 || host_config.chip == CHIP_ESP32P4) ? 2 : 1;
}

int64_t esp_timer_get_time(void)
{
	double real, modeled = nor_get_counters()->modeled_ms;
	if (host_start_ms < 0)
		host_start_ms = host_monotonic_ms();
	real = host_monotonic_ms() - host_start_ms;
	return (int64_t)((real + modeled) * 1000.0);
}

void esp_restart(void)
{
	if (host_config.on_restart)
		host_config.on_restart();
	exit(0);
}

uint32_t esp_get_free_heap_size(void) { return host_config.free_heap; }
uint32_t esp_get_minimum_free_heap_size(void) { return host_config.free_heap; }

void *heap_caps_malloc(size_t size, uint32_t caps) { return malloc(size); }
void heap_caps_free(void *ptr) { free(ptr); }
size_t heap_caps_get_free_size(uint32_t caps) { return host_config.free_heap; }
size_t heap_caps_get_largest_free_block(uint32_t caps) { return host_config.free_heap; }

const char *esp_err_to_name(esp_err_t code)
{
	switch (code) {
	case ESP_OK: return "ESP_OK";
	case ESP_FAIL: return "ESP_FAIL";
	case ESP_ERR_NO_MEM: return "ESP_ERR_NO_MEM";
	case ESP_ERR_INVALID_ARG: return "ESP_ERR_INVALID_ARG";
	case ESP_ERR_INVALID_STATE: return "ESP_ERR_INVALID_STATE";
	case ESP_ERR_INVALID_SIZE: return "ESP_ERR_INVALID_SIZE";
	case ESP_ERR_NOT_FOUND: return "ESP_ERR_NOT_FOUND";
	case ESP_ERR_NOT_SUPPORTED: return "ESP_ERR_NOT_SUPPORTED";
	case ESP_ERR_TIMEOUT: return "ESP_ERR_TIMEOUT";
	case ESP_ERR_INVALID_RESPONSE: return "ESP_ERR_INVALID_RESPONSE";
	case ESP_ERR_INVALID_CRC: return "ESP_ERR_INVALID_CRC";
	case ESP_ERR_INVALID_VERSION: return "ESP_ERR_INVALID_VERSION";
	case ESP_ERR_INVALID_MAC: return "ESP_ERR_INVALID_MAC";
	case ESP_ERR_NOT_FINISHED: return "ESP_ERR_NOT_FINISHED";
	case ESP_ERR_NOT_ALLOWED: return "ESP_ERR_NOT_ALLOWED";
	case ESP_ERR_OTA_PARTITION_CONFLICT: return "ESP_ERR_OTA_PARTITION_CONFLICT";
	case ESP_ERR_OTA_SELECT_INFO_INVALID: return "ESP_ERR_OTA_SELECT_INFO_INVALID";
	case ESP_ERR_OTA_VALIDATE_FAILED: return "ESP_ERR_OTA_VALIDATE_FAILED";
	default: return "UNKNOWN ERROR";
	}
}
