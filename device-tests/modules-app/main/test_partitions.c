/*
 * modules/partitions/esp32/partitions.c over esp_partition/esp_ota_ops: the
 * table as ESP-IDF read it from flash (partitions.csv of this app), the
 * running and boot partitions, and setBoot's refusals.
 */
#include <stdio.h>
#include <string.h>

#include "unity.h"
#include "dt_common.h"
#include "esp_ota_ops.h"

/* Every entry as ESP-IDF's own iterator returns it, in the shape the module's
   list() gives: label:type:subtype:address:size, comma separated. */
static void idf_table(char *out, size_t size)
{
	size_t used = 0;
	out[0] = 0;
	esp_partition_iterator_t it = esp_partition_find(ESP_PARTITION_TYPE_ANY, ESP_PARTITION_SUBTYPE_ANY, NULL);
	for (; it; it = esp_partition_next(it)) {
		const esp_partition_t *p = esp_partition_get(it);
		used += snprintf(out + used, size - used, "%s%s:%d:%d:%u:%u", used ? "," : "", p->label,
			(int)p->type, (int)p->subtype, (unsigned)p->address, (unsigned)p->size);
		TEST_ASSERT_LESS_THAN(size, used);
	}
}

TEST_CASE("partitions lists the table ESP-IDF read, in order", "[partitions]")
{
	char expected[DT_OUT_SIZE];
	idf_table(expected, sizeof(expected));
	/* partitions.csv of this app, as gen_esp32part.py wrote it */
	TEST_ASSERT_EQUAL_STRING(
		"nvs:1:2:36864:24576,otadata:1:0:61440:8192,testcfg:1:64:69632:4096,"
		"factory:0:0:131072:1966080,ota_0:0:16:2097152:1048576,scratch:1:65:3145728:1048576",
		expected);
	dt_expect(expected,
		"partitions.list().map((p) => [p.label, p.type, p.subtype, p.address, p.size].join(':')).join()");
	dt_expect("false,false", "const p = partitions.list()[3]; [p.encrypted, p.readonly].join()");
}

TEST_CASE("partitions names the running and boot partitions and the table offset", "[partitions]")
{
	dt_expect("factory:131072:1966080", "const p = partitions.running(); [p.label, p.address, p.size].join(':')");
	const esp_partition_t *boot = esp_ota_get_boot_partition();
	TEST_ASSERT_NOT_NULL(boot);
	char expected[32];
	snprintf(expected, sizeof(expected), "%s", boot->label);
	dt_expect(expected, "partitions.boot().label");
	dt_expect("32768", "partitions.tableOffset()");
}

TEST_CASE("partitions setBoot refuses an unknown label and an empty slot", "[partitions]")
{
	dt_expect_code("PARTITION_NOT_FOUND", "partitions.setBoot('nope')");
	/* ota_0 holds no app image (the rawflash test erased its first sector):
	   esp_ota_set_boot_partition validates it first */
	dt_expect_code("FLASH_IO", "partitions.setBoot('ota_0')");
	dt_expect("factory", "partitions.setBoot('factory'); partitions.boot().label");
	TEST_ASSERT_EQUAL_STRING("factory", esp_ota_get_boot_partition()->label);
}
