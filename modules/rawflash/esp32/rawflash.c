/*
 * Raw flash at absolute addresses over esp_flash_*. Re-checks, whatever the
 * JS asks: bounds, 4 KiB alignment of erase, and that neither erase nor
 * write touches the running app partition. Errors start with a stable code
 * ("FLASH_ALIGN: ...") that the TS face turns into a ReflashError.
 */
#include "xsmc.h"
#include "mc.xs.h"

#include <stdlib.h>
#include <string.h>

#include "esp_chip_info.h"
#include "esp_err.h"
#include "esp_flash.h"
#include "esp_ota_ops.h"
#include "esp_partition.h"

#define RAWFLASH_SECTOR_SIZE 4096u

typedef struct {
	uint32_t size;
	uint32_t running_address;  /* the running app: never erased or written */
	uint32_t running_size;
	char running_label[17];
} xs_rawflash;

void xs_rawflash_destructor(void *data)
{
	free(data);
}

void xs_rawflash_constructor(xsMachine *the)
{
	xs_rawflash *flash = calloc(1, sizeof(xs_rawflash));
	const esp_partition_t *running;
	esp_err_t err;
	if (!flash)
		xsUnknownError("FLASH_IO: raw flash: no memory");
	xsmcSetHostData(xsThis, flash);
	err = esp_flash_get_size(NULL, &flash->size);
	if (err != ESP_OK)
		xsUnknownError("FLASH_IO: flash size: %s", esp_err_to_name(err));
	running = esp_ota_get_running_partition();
	if (!running)
		xsUnknownError("FLASH_IO: the running app partition is unknown");
	flash->running_address = running->address;
	flash->running_size = running->size;
	memcpy(flash->running_label, running->label, sizeof(flash->running_label));
}

static xs_rawflash *xs_rawflash_this(xsMachine *the)
{
	return xsmcGetHostDataValidate(xsThis, (void *)xs_rawflash_destructor);
}

/* Addresses and lengths are uint32: refuse what is not one. */
static uint32_t xs_rawflash_uint32(xsMachine *the, xsSlot *slot, const char *what)
{
	xsNumberValue n = xsmcToNumber(*slot);
	if (!(n >= 0 && n <= 4294967295.0) || n != (xsNumberValue)(uint32_t)n)
		xsRangeError("FLASH_BOUNDS: %s: not an unsigned 32-bit integer", what);
	return (uint32_t)n;
}

static void xs_rawflash_check_bounds(xsMachine *the, xs_rawflash *flash, const char *op, uint32_t address, uint32_t length)
{
	if (address > flash->size || length > flash->size - address)
		xsRangeError("FLASH_BOUNDS: %s 0x%08x+0x%x: outside the 0x%x-byte flash", op, address, length, flash->size);
}

static void xs_rawflash_check_running(xsMachine *the, xs_rawflash *flash, const char *op, uint32_t address, uint32_t length)
{
	uint64_t end = (uint64_t)address + length, running_end = (uint64_t)flash->running_address + flash->running_size;
	if (length && address < running_end && flash->running_address < end)
		xsUnknownError("FLASH_PROTECTED: %s 0x%08x+0x%x: overlaps the running app partition %s at 0x%08x+0x%x",
			op, address, length, flash->running_label, flash->running_address, flash->running_size);
}

/* read(address, target): fills target (ArrayBuffer or view) from address. */
void xs_rawflash_read(xsMachine *the)
{
	xs_rawflash *flash = xs_rawflash_this(the);
	uint32_t address = xs_rawflash_uint32(the, &xsArg(0), "read address");
	void *target;
	xsUnsignedValue length;
	esp_err_t err;
	xsmcGetBufferWritable(xsArg(1), &target, &length);
	xs_rawflash_check_bounds(the, flash, "read", address, (uint32_t)length);
	err = esp_flash_read(NULL, target, address, (uint32_t)length);
	if (err != ESP_OK)
		xsUnknownError("FLASH_IO: read 0x%08x+0x%x: %s", address, (unsigned)length, esp_err_to_name(err));
}

/* erase(address, length): both multiples of 4096. */
void xs_rawflash_erase(xsMachine *the)
{
	xs_rawflash *flash = xs_rawflash_this(the);
	uint32_t address = xs_rawflash_uint32(the, &xsArg(0), "erase address");
	uint32_t length = xs_rawflash_uint32(the, &xsArg(1), "erase length");
	esp_err_t err;
	xs_rawflash_check_bounds(the, flash, "erase", address, length);
	if ((address % RAWFLASH_SECTOR_SIZE) || (length % RAWFLASH_SECTOR_SIZE))
		xsRangeError("FLASH_ALIGN: erase 0x%08x+0x%x: not 4 KiB aligned", address, length);
	xs_rawflash_check_running(the, flash, "erase", address, length);
	err = esp_flash_erase_region(NULL, address, length);
	if (err != ESP_OK)
		xsUnknownError("FLASH_IO: erase 0x%08x+0x%x: %s", address, length, esp_err_to_name(err));
}

/* write(address, data): programs data (ArrayBuffer or view) at address. */
void xs_rawflash_write(xsMachine *the)
{
	xs_rawflash *flash = xs_rawflash_this(the);
	uint32_t address = xs_rawflash_uint32(the, &xsArg(0), "write address");
	void *data;
	xsUnsignedValue length;
	esp_err_t err;
	xsmcGetBufferReadable(xsArg(1), &data, &length);
	xs_rawflash_check_bounds(the, flash, "write", address, (uint32_t)length);
	xs_rawflash_check_running(the, flash, "write", address, (uint32_t)length);
	err = esp_flash_write(NULL, data, address, (uint32_t)length);
	if (err != ESP_OK)
		xsUnknownError("FLASH_IO: write 0x%08x+0x%x: %s", address, (unsigned)length, esp_err_to_name(err));
}

void xs_rawflash_get_size(xsMachine *the)
{
	xsmcSetNumber(xsResult, xs_rawflash_this(the)->size);
}

void xs_rawflash_get_sector_size(xsMachine *the)
{
	xs_rawflash_this(the);
	xsmcSetInteger(xsResult, RAWFLASH_SECTOR_SIZE);
}

/* The chip model and where its ROM loads the second-stage bootloader. */
static const struct {
	esp_chip_model_t model;
	const char *name;
	uint32_t bootloader_offset;
} xs_rawflash_chips[] = {
	{ CHIP_ESP32, "esp32", 0x1000 },
	{ CHIP_ESP32S2, "esp32s2", 0x1000 },
	{ CHIP_ESP32C3, "esp32c3", 0x0 },
	{ CHIP_ESP32S3, "esp32s3", 0x0 },
	{ CHIP_ESP32C2, "esp32c2", 0x0 },
	{ CHIP_ESP32C6, "esp32c6", 0x0 },
	{ CHIP_ESP32H2, "esp32h2", 0x0 },
	{ CHIP_ESP32P4, "esp32p4", 0x2000 },
	{ CHIP_ESP32C5, "esp32c5", 0x2000 },
};

static int xs_rawflash_chip_index(xsMachine *the)
{
	esp_chip_info_t info;
	size_t i;
	esp_chip_info(&info);
	for (i = 0; i < sizeof(xs_rawflash_chips) / sizeof(xs_rawflash_chips[0]); i++) {
		if (xs_rawflash_chips[i].model == info.model)
			return (int)i;
	}
	xsUnknownError("CONFIG_INVALID: chip model %d: bootloader offset unknown", (int)info.model);
	return -1;
}

void xs_rawflash_get_chip(xsMachine *the)
{
	xs_rawflash_this(the);
	xsmcSetString(xsResult, (char *)xs_rawflash_chips[xs_rawflash_chip_index(the)].name);
}

void xs_rawflash_get_bootloader_offset(xsMachine *the)
{
	xs_rawflash_this(the);
	xsmcSetInteger(xsResult, xs_rawflash_chips[xs_rawflash_chip_index(the)].bootloader_offset);
}
