/* esp_flash over the NOR simulator, with esp_flash_api.c's argument checks
   and erase splitting (64 KiB blocks where aligned, else 4 KiB sectors). */
#include "esp_flash.h"
#include "nor_sim.h"

struct esp_flash_t {
	int unused;
};

static esp_flash_t host_default_chip;
esp_flash_t *esp_flash_default_chip = &host_default_chip;

static esp_err_t host_flash_status(nor_status status)
{
	switch (status) {
	case NOR_OK: return ESP_OK;
	case NOR_ERR_BOUNDS: return ESP_ERR_INVALID_ARG;
	case NOR_ERR_ALIGN: return ESP_ERR_INVALID_ARG;
	default: return ESP_FAIL;
	}
}

esp_err_t esp_flash_get_size(esp_flash_t *chip, uint32_t *out_size)
{
	if (!out_size)
		return ESP_ERR_INVALID_ARG;
	*out_size = nor_size();
	return ESP_OK;
}

esp_err_t esp_flash_get_physical_size(esp_flash_t *chip, uint32_t *flash_size)
{
	return esp_flash_get_size(chip, flash_size);
}

esp_err_t esp_flash_erase_region(esp_flash_t *chip, uint32_t start, uint32_t len)
{
	uint32_t size = nor_size();
	if ((start % NOR_SECTOR_SIZE) || (len % NOR_SECTOR_SIZE))
		return ESP_ERR_INVALID_ARG;
	if (start > size || len > size - start)
		return ESP_ERR_INVALID_ARG;
	while (len) {
		uint32_t unit = (len >= NOR_BLOCK64_SIZE && !(start % NOR_BLOCK64_SIZE)) ? NOR_BLOCK64_SIZE : NOR_SECTOR_SIZE;
		esp_err_t err = host_flash_status(nor_erase(start, unit));
		if (err != ESP_OK)
			return err;
		start += unit;
		len -= unit;
	}
	return ESP_OK;
}

esp_err_t esp_flash_erase_chip(esp_flash_t *chip)
{
	return esp_flash_erase_region(chip, 0, nor_size());
}

esp_err_t esp_flash_read(esp_flash_t *chip, void *buffer, uint32_t address, uint32_t length)
{
	if (!buffer && length)
		return ESP_ERR_INVALID_ARG;
	return host_flash_status(nor_read(address, buffer, length));
}

esp_err_t esp_flash_write(esp_flash_t *chip, const void *buffer, uint32_t address, uint32_t length)
{
	if (!buffer && length)
		return ESP_ERR_INVALID_ARG;
	return host_flash_status(nor_program(address, buffer, length));
}
