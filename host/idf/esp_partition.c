/*
 * esp_partition over the simulated flash: the table is read from the flash
 * file at CONFIG_PARTITION_TABLE_OFFSET on first use and cached, as
 * partition.c does on the device (so a table rewritten during the run is
 * seen only after a restart). The MD5 entry is required and checked
 * (CONFIG_PARTITION_TABLE_MD5, on by default).
 */
#include "esp_partition.h"
#include "host_idf.h"
#include "nor_sim.h"
#include "sdkconfig.h"

#include <mbedtls/md5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST_TABLE_MAX_LENGTH 0xC00
#define HOST_ENTRY_SIZE 32
#define HOST_MAX_PARTITIONS (HOST_TABLE_MAX_LENGTH / HOST_ENTRY_SIZE)

uint32_t host_idf_partition_table_offset = 0x8000;

static esp_partition_t host_partitions[HOST_MAX_PARTITIONS];
static int host_partition_count = -1; /* -1: not loaded yet */

struct esp_partition_iterator_opaque_ {
	esp_partition_type_t type;
	esp_partition_subtype_t subtype;
	const char *label;
	int index; /* of the current match */
};

static uint32_t host_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

int host_idf_load_partitions(char *error, size_t error_size)
{
	uint32_t offset = CONFIG_PARTITION_TABLE_OFFSET;
	const uint8_t *table, *entry;
	unsigned char md5[16];
	int count = 0;
	if (host_partition_count >= 0)
		return ESP_OK;
	if (offset > nor_size() || HOST_TABLE_MAX_LENGTH > nor_size() - offset) {
		snprintf(error, error_size, "partition table 0x%08x+0x%x: outside the 0x%x-byte flash", offset, HOST_TABLE_MAX_LENGTH, nor_size());
		return ESP_ERR_INVALID_ARG;
	}
	table = nor_data() + offset;
	for (entry = table; entry < table + HOST_TABLE_MAX_LENGTH; entry += HOST_ENTRY_SIZE) {
		esp_partition_t *p = &host_partitions[count];
		if (entry[0] == 0xEB && entry[1] == 0xEB) {
			mbedtls_md5_ret(table, (size_t)(entry - table), md5);
			if (memcmp(md5, entry + 16, 16)) {
				snprintf(error, error_size, "partition table at 0x%08x: MD5 mismatch (entry %d); rewrite it with gen_esp32part.py", offset, count);
				return ESP_ERR_INVALID_STATE;
			}
			host_partition_count = count;
			return ESP_OK;
		}
		if (entry[0] != 0xAA || entry[1] != 0x50)
			break;
		memset(p, 0, sizeof(*p));
		p->flash_chip = esp_flash_default_chip;
		p->type = entry[2];
		p->subtype = entry[3];
		p->address = host_le32(entry + 4);
		p->size = host_le32(entry + 8);
		p->erase_size = NOR_SECTOR_SIZE;
		memcpy(p->label, entry + 12, 16);
		p->label[16] = 0;
		p->encrypted = false; /* no flash encryption on the host */
		p->readonly = (host_le32(entry + 28) & 2) != 0;
		count++;
	}
	snprintf(error, error_size, "partition table at 0x%08x: no MD5 entry after %d entries (expected EB EB ..., saw %02x %02x)",
		offset, count, entry < table + HOST_TABLE_MAX_LENGTH ? entry[0] : 0, entry < table + HOST_TABLE_MAX_LENGTH ? entry[1] : 0);
	return ESP_ERR_NOT_FOUND;
}

static int host_partitions_loaded(void)
{
	char error[160];
	return host_idf_load_partitions(error, sizeof(error)) == ESP_OK;
}

static int host_partition_matches(const esp_partition_t *p, esp_partition_type_t type, esp_partition_subtype_t subtype, const char *label)
{
	if (type != ESP_PARTITION_TYPE_ANY && p->type != type)
		return 0;
	if (subtype != ESP_PARTITION_SUBTYPE_ANY && p->subtype != subtype)
		return 0;
	if (label && strncmp(p->label, label, sizeof(p->label) - 1))
		return 0;
	return 1;
}

static int host_next_match(int from, esp_partition_type_t type, esp_partition_subtype_t subtype, const char *label)
{
	int i;
	for (i = from; i < host_partition_count; i++) {
		if (host_partition_matches(&host_partitions[i], type, subtype, label))
			return i;
	}
	return -1;
}

esp_partition_iterator_t esp_partition_find(esp_partition_type_t type, esp_partition_subtype_t subtype, const char *label)
{
	esp_partition_iterator_t it;
	int index;
	/* As on the device: a subtype without a type matches nothing useful. */
	if (type == ESP_PARTITION_TYPE_ANY && subtype != ESP_PARTITION_SUBTYPE_ANY)
		return NULL;
	if (!host_partitions_loaded())
		return NULL;
	index = host_next_match(0, type, subtype, label);
	if (index < 0)
		return NULL;
	it = calloc(1, sizeof(*it));
	if (!it)
		return NULL;
	it->type = type;
	it->subtype = subtype;
	it->label = label;
	it->index = index;
	return it;
}

const esp_partition_t *esp_partition_find_first(esp_partition_type_t type, esp_partition_subtype_t subtype, const char *label)
{
	esp_partition_iterator_t it = esp_partition_find(type, subtype, label);
	const esp_partition_t *p;
	if (!it)
		return NULL;
	p = esp_partition_get(it);
	esp_partition_iterator_release(it);
	return p;
}

const esp_partition_t *esp_partition_get(esp_partition_iterator_t iterator)
{
	return iterator ? &host_partitions[iterator->index] : NULL;
}

esp_partition_iterator_t esp_partition_next(esp_partition_iterator_t iterator)
{
	int index;
	if (!iterator)
		return NULL;
	index = host_next_match(iterator->index + 1, iterator->type, iterator->subtype, iterator->label);
	if (index < 0) {
		esp_partition_iterator_release(iterator);
		return NULL;
	}
	iterator->index = index;
	return iterator;
}

void esp_partition_iterator_release(esp_partition_iterator_t iterator)
{
	free(iterator);
}

static esp_err_t host_partition_range(const esp_partition_t *p, size_t offset, size_t size)
{
	if (!p)
		return ESP_ERR_INVALID_ARG;
	if (offset > p->size || size > p->size - offset)
		return ESP_ERR_INVALID_SIZE;
	return ESP_OK;
}

esp_err_t esp_partition_read(const esp_partition_t *partition, size_t src_offset, void *dst, size_t size)
{
	esp_err_t err = host_partition_range(partition, src_offset, size);
	if (err != ESP_OK)
		return err;
	return esp_flash_read(partition->flash_chip, dst, partition->address + src_offset, size);
}

esp_err_t esp_partition_write(const esp_partition_t *partition, size_t dst_offset, const void *src, size_t size)
{
	esp_err_t err = host_partition_range(partition, dst_offset, size);
	if (err != ESP_OK)
		return err;
	if (partition->readonly)
		return ESP_ERR_NOT_ALLOWED;
	return esp_flash_write(partition->flash_chip, src, partition->address + dst_offset, size);
}

esp_err_t esp_partition_erase_range(const esp_partition_t *partition, size_t offset, size_t size)
{
	esp_err_t err = host_partition_range(partition, offset, size);
	if (err != ESP_OK)
		return err;
	if (partition->readonly)
		return ESP_ERR_NOT_ALLOWED;
	if ((offset % partition->erase_size) || (size % partition->erase_size))
		return ESP_ERR_INVALID_ARG;
	return esp_flash_erase_region(partition->flash_chip, partition->address + offset, size);
}
