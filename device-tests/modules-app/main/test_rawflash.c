/*
 * modules/rawflash/esp32/rawflash.c over ESP-IDF's esp_flash on the emulated
 * SPI flash: what it reports, erase/write/read checked against esp_flash_read,
 * the bootloader and partition table sectors rewritten (dangerous writes
 * allowed, as in the firmware), and its own refusals.
 */
#include <stdlib.h>
#include <string.h>

#include "unity.h"
#include "dt_common.h"
#include "esp_flash.h"
#include "esp_ota_ops.h"

static const esp_partition_t *scratch(void)
{
	return dt_partition(ESP_PARTITION_TYPE_DATA, 0x41, "scratch");
}

/* Compares flash with `expected` (NULL: all 0xFF) through esp_flash_read, a
   sector at a time: beside XS the heap has no 64 KiB in one piece. */
static void assert_flash(uint32_t address, const uint8_t *expected, uint32_t length)
{
	static uint8_t actual[4096], ones[4096];
	memset(ones, 0xFF, sizeof(ones));
	for (uint32_t at = 0; at < length; at += sizeof(actual)) {
		uint32_t n = length - at < sizeof(actual) ? length - at : sizeof(actual);
		TEST_ASSERT_EQUAL(ESP_OK, esp_flash_read(NULL, actual, address + at, n));
		TEST_ASSERT_EQUAL_HEX8_ARRAY(expected ? expected + at : ones, actual, n);
	}
}

static void assert_erased(uint32_t address, uint32_t length)
{
	assert_flash(address, NULL, length);
}

TEST_CASE("rawflash reports chip, flash size, sector size and bootloader offset", "[rawflash]")
{
	uint32_t size = 0;
	TEST_ASSERT_EQUAL(ESP_OK, esp_flash_get_size(NULL, &size));
	char expected[64];
	snprintf(expected, sizeof(expected), "esp32c3,%u,4096,0", (unsigned)size);
	dt_expect(expected, "const f = new RawFlash(); [f.chip, f.size, f.sectorSize, f.bootloaderOffset].join()");
	TEST_ASSERT_EQUAL_UINT32(4 * 1024 * 1024, size);
}

TEST_CASE("rawflash erase, unaligned write and read agree with esp_flash", "[rawflash]")
{
	uint32_t base = scratch()->address;
	/* 8 KiB erased, 5000 pattern bytes written from base + 100 */
	dt_expect("true",
		"const f = new RawFlash(); f.erase(%u, 8192); const data = pattern(100, 5000); f.write(%u, data);"
		"const back = new Uint8Array(5000); f.read(%u, back); back.every((x, i) => x === data[i])",
		(unsigned)base, (unsigned)(base + 100), (unsigned)(base + 100));
	uint8_t *expected = malloc(5000);
	TEST_ASSERT_NOT_NULL(expected);
	dt_pattern(expected, 100, 5000);
	assert_flash(base + 100, expected, 5000);
	free(expected);
	assert_erased(base, 100);
	assert_erased(base + 5100, 8192 - 5100);
	/* erased again: every byte back to 0xFF */
	dt_expect("undefined", "new RawFlash().erase(%u, 8192)", (unsigned)base);
	assert_erased(base, 8192);
}

TEST_CASE("rawflash erases a 64 KiB aligned block and leaves its neighbours", "[rawflash]")
{
	uint32_t base = scratch()->address;
	dt_expect("undefined",
		"const f = new RawFlash(); f.erase(%u, 0x30000);"
		"f.write(%u, pattern(0, 4096)); f.write(%u, pattern(0, 65536)); f.write(%u, pattern(0, 4096));"
		"f.erase(%u, 0x10000)",
		(unsigned)base, (unsigned)(base + 0xF000), (unsigned)(base + 0x10000), (unsigned)(base + 0x20000),
		(unsigned)(base + 0x10000));
	assert_erased(base + 0x10000, 0x10000);
	uint8_t *expected = malloc(4096);
	TEST_ASSERT_NOT_NULL(expected);
	dt_pattern(expected, 0, 4096);
	assert_flash(base + 0xF000, expected, 4096);
	assert_flash(base + 0x20000, expected, 4096);
	free(expected);
}

TEST_CASE("rawflash rewrites the bootloader and partition table sectors", "[rawflash]")
{
	static const uint32_t sectors[] = { 0x0, 0x8000 };
	for (int i = 0; i < 2; i++) {
		uint32_t address = sectors[i];
		uint8_t *before = malloc(4096);
		TEST_ASSERT_NOT_NULL(before);
		TEST_ASSERT_EQUAL(ESP_OK, esp_flash_read(NULL, before, address, 4096));
		/* the bootloader image starts with 0xE9, the table with 0xAA 0x50 */
		TEST_ASSERT_EQUAL_HEX8(i == 0 ? 0xE9 : 0xAA, before[0]);
		dt_expect("blank,same",
			"const f = new RawFlash(); const keep = new Uint8Array(4096); f.read(%u, keep); f.erase(%u, 4096);"
			"const blank = new Uint8Array(4096); f.read(%u, blank); f.write(%u, keep);"
			"const back = new Uint8Array(4096); f.read(%u, back);"
			"[blank.every((x) => x === 255) ? 'blank' : 'not blank', back.every((x, i) => x === keep[i]) ? 'same' : 'differs'].join()",
			(unsigned)address, (unsigned)address, (unsigned)address, (unsigned)address, (unsigned)address);
		assert_flash(address, before, 4096);
		free(before);
	}
}

TEST_CASE("rawflash refuses to erase or write the running app", "[rawflash]")
{
	const esp_partition_t *running = esp_ota_get_running_partition();
	TEST_ASSERT_NOT_NULL(running);
	uint8_t header[16];
	TEST_ASSERT_EQUAL(ESP_OK, esp_flash_read(NULL, header, running->address, sizeof(header)));
	TEST_ASSERT_EQUAL_HEX8(0xE9, header[0]);
	unsigned a = (unsigned)running->address, end = (unsigned)(running->address + running->size);
	dt_expect_code("FLASH_PROTECTED", "new RawFlash().erase(%u, 4096)", a);
	dt_expect_code("FLASH_PROTECTED", "new RawFlash().erase(%u, 8192)", a - 4096);     /* straddles its start */
	dt_expect_code("FLASH_PROTECTED", "new RawFlash().erase(%u, 4096)", end - 4096);
	dt_expect_code("FLASH_PROTECTED", "new RawFlash().write(%u, new Uint8Array(4))", a - 2);
	dt_expect_code("FLASH_PROTECTED", "new RawFlash().write(%u, new Uint8Array(1))", end - 1);
	/* the byte after it is fair game (the ota_0 slot) */
	dt_expect("undefined", "new RawFlash().erase(%u, 4096)", end);
	uint8_t after[16];
	TEST_ASSERT_EQUAL(ESP_OK, esp_flash_read(NULL, after, running->address, sizeof(after)));
	TEST_ASSERT_EQUAL_HEX8_ARRAY(header, after, sizeof(header));
}

TEST_CASE("rawflash refuses unaligned erases and ranges outside the flash", "[rawflash]")
{
	unsigned base = (unsigned)scratch()->address;
	dt_expect_code("FLASH_ALIGN", "new RawFlash().erase(%u, 4096)", base + 1);
	dt_expect_code("FLASH_ALIGN", "new RawFlash().erase(%u, 100)", base);
	dt_expect_code("FLASH_BOUNDS", "const f = new RawFlash(); f.read(f.size - 2, new Uint8Array(4))");
	dt_expect_code("FLASH_BOUNDS", "const f = new RawFlash(); f.erase(f.size, 4096)");
	dt_expect_code("FLASH_BOUNDS", "new RawFlash().write(-1, new Uint8Array(1))");
	dt_expect_code("FLASH_BOUNDS", "new RawFlash().erase(4294967296, 4096)");
}
