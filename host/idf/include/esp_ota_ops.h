/* Host subset of ESP-IDF v6.0 esp_ota_ops.h (app_update component). */
#pragma once

#include "esp_err.h"
#include "esp_partition.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Selects the app partition the bootloader starts next: writes otadata (an
   OTA slot) or erases it (factory). ESP_ERR_INVALID_ARG if not an app
   partition; ESP_ERR_NOT_FOUND if otadata is missing. */
esp_err_t esp_ota_set_boot_partition(const esp_partition_t* partition);
/* The partition otadata selects (or factory / ota_0 when none is valid). */
const esp_partition_t* esp_ota_get_boot_partition(void);
/* The app partition this firmware runs from. */
const esp_partition_t* esp_ota_get_running_partition(void);
/* The next OTA app slot after `start_from` (NULL: the running one). */
const esp_partition_t* esp_ota_get_next_update_partition(const esp_partition_t *start_from);

#ifdef __cplusplus
}
#endif
