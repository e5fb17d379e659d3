/* Host subset of ESP-IDF v6.0 esp_flash.h (spi_flash component). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque to callers, as on the device. */
typedef struct esp_flash_t esp_flash_t;

/* Size of the flash chip in bytes. */
esp_err_t esp_flash_get_size(esp_flash_t *chip, uint32_t *out_size);
esp_err_t esp_flash_get_physical_size(esp_flash_t *chip, uint32_t *flash_size);

/* Erase whole chip. */
esp_err_t esp_flash_erase_chip(esp_flash_t *chip);

/*
 * Erase a region: start and len must be multiples of the 4 KiB sector, else
 * ESP_ERR_INVALID_ARG; a range past the end of the chip is
 * ESP_ERR_INVALID_ARG. Uses the 64 KiB block erase where the remaining range
 * is aligned to it and at least that long, otherwise 4 KiB sector erases
 * (as esp_flash_api.c does).
 */
esp_err_t esp_flash_erase_region(esp_flash_t *chip, uint32_t start, uint32_t len);

/* Read; ESP_ERR_INVALID_ARG past the end of the chip. */
esp_err_t esp_flash_read(esp_flash_t *chip, void *buffer, uint32_t address, uint32_t length);

/* Write; NOR: the range must be erased. ESP_ERR_INVALID_ARG past the end. */
esp_err_t esp_flash_write(esp_flash_t *chip, const void *buffer, uint32_t address, uint32_t length);

/* The default chip; NULL passed as `chip` to the calls above means it too. */
extern esp_flash_t *esp_flash_default_chip;

#ifdef __cplusplus
}
#endif
