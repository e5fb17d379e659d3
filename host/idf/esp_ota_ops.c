/*
 * esp_ota_* over the simulated flash. otadata is two 4 KiB sectors, each
 * starting with {u32 ota_seq; u8 seq_label[20]; u32 ota_state; u32 crc},
 * crc = CRC32-LE(0xFFFFFFFF, ota_seq); the valid copy with the highest seq
 * selects slot (seq - 1) % (number of OTA app slots). Writing follows
 * app_update's esp_rewrite_ota_data. The image is not verified before it is
 * made bootable (the device's esp_ota_set_boot_partition does verify).
 */
#include "esp_ota_ops.h"
#include "host_idf.h"

#include <string.h>

#define HOST_OTADATA_SECTOR 4096u
#define HOST_OTA_IMG_UNDEFINED 0xFFFFFFFFu

typedef struct {
	uint32_t ota_seq;
	uint8_t seq_label[20];
	uint32_t ota_state;
	uint32_t crc;
} host_ota_select;

static const char *host_running_label;

void host_idf_ota_set_running(const char *label)
{
	host_running_label = label;
}

static uint32_t host_crc32_le(uint32_t crc, const uint8_t *data, size_t length)
{
	size_t i;
	int bit;
	crc = ~crc;
	for (i = 0; i < length; i++) {
		crc ^= data[i];
		for (bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static uint32_t host_ota_crc(const host_ota_select *s)
{
	return host_crc32_le(0xFFFFFFFFu, (const uint8_t *)&s->ota_seq, sizeof(s->ota_seq));
}

static int host_ota_valid(const host_ota_select *s)
{
	return s->ota_seq != 0xFFFFFFFFu && s->crc == host_ota_crc(s);
}

static int host_ota_app_count(void)
{
	int count = 0;
	esp_partition_iterator_t it = esp_partition_find(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_ANY, NULL);
	for (; it; it = esp_partition_next(it)) {
		const esp_partition_t *p = esp_partition_get(it);
		if (p->subtype >= ESP_PARTITION_SUBTYPE_APP_OTA_MIN && p->subtype < ESP_PARTITION_SUBTYPE_APP_OTA_MAX)
			count++;
	}
	return count;
}

/* Index (0 or 1) of the valid copy with the highest seq, or -1. */
static int host_ota_active(const host_ota_select s[2])
{
	int v0 = host_ota_valid(&s[0]), v1 = host_ota_valid(&s[1]);
	if (v0 && v1)
		return s[0].ota_seq >= s[1].ota_seq ? 0 : 1;
	return v0 ? 0 : (v1 ? 1 : -1);
}

static esp_err_t host_ota_read(const esp_partition_t *otadata, host_ota_select s[2])
{
	esp_err_t err = esp_partition_read(otadata, 0, &s[0], sizeof(s[0]));
	if (err == ESP_OK)
		err = esp_partition_read(otadata, HOST_OTADATA_SECTOR, &s[1], sizeof(s[1]));
	return err;
}

const esp_partition_t *esp_ota_get_running_partition(void)
{
	if (!host_running_label)
		return NULL;
	return esp_partition_find_first(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_ANY, host_running_label);
}

const esp_partition_t *esp_ota_get_boot_partition(void)
{
	const esp_partition_t *otadata = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_OTA, NULL);
	const esp_partition_t *fallback;
	host_ota_select s[2];
	int active, count;
	fallback = esp_partition_find_first(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_APP_FACTORY, NULL);
	if (!fallback)
		fallback = esp_partition_find_first(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_APP_OTA_0, NULL);
	if (!otadata || host_ota_read(otadata, s) != ESP_OK)
		return fallback;
	active = host_ota_active(s);
	count = host_ota_app_count();
	if (active < 0 || count == 0)
		return fallback;
	return esp_partition_find_first(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_OTA((s[active].ota_seq - 1) % count), NULL);
}

const esp_partition_t *esp_ota_get_next_update_partition(const esp_partition_t *start_from)
{
	const esp_partition_t *from = start_from ? start_from : esp_ota_get_running_partition();
	const esp_partition_t *first = NULL, *next = NULL;
	int seen = 0;
	esp_partition_iterator_t it = esp_partition_find(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_ANY, NULL);
	for (; it; it = esp_partition_next(it)) {
		const esp_partition_t *p = esp_partition_get(it);
		if (p->subtype < ESP_PARTITION_SUBTYPE_APP_OTA_MIN || p->subtype >= ESP_PARTITION_SUBTYPE_APP_OTA_MAX)
			continue;
		if (!first)
			first = p;
		if (seen && !next)
			next = p;
		if (from && p->address == from->address)
			seen = 1;
	}
	return next ? next : first;
}

esp_err_t esp_ota_set_boot_partition(const esp_partition_t *partition)
{
	const esp_partition_t *otadata;
	host_ota_select s[2];
	int active, next, count;
	uint32_t index;
	esp_err_t err;
	if (!partition || partition->type != ESP_PARTITION_TYPE_APP)
		return ESP_ERR_INVALID_ARG;
	otadata = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_OTA, NULL);
	if (partition->subtype == ESP_PARTITION_SUBTYPE_APP_FACTORY)
		return otadata ? esp_partition_erase_range(otadata, 0, otadata->size) : ESP_OK;
	if (partition->subtype < ESP_PARTITION_SUBTYPE_APP_OTA_MIN || partition->subtype >= ESP_PARTITION_SUBTYPE_APP_OTA_MAX)
		return ESP_ERR_INVALID_ARG;
	if (!otadata)
		return ESP_ERR_NOT_FOUND;
	err = host_ota_read(otadata, s);
	if (err != ESP_OK)
		return err;
	count = host_ota_app_count();
	index = partition->subtype - ESP_PARTITION_SUBTYPE_APP_OTA_MIN;
	if ((int)index >= count)
		return ESP_ERR_INVALID_ARG;
	active = host_ota_active(s);
	if (active >= 0) {
		uint32_t seq = s[active].ota_seq, i = 0;
		/* esp_rewrite_ota_data's formula, kept as it is on the device */
		while (seq > (index + 1) % count + i * count)
			i++;
		next = (~active) & 1;
		s[next].ota_seq = (index + 1) % count + i * count;
	}
	else {
		next = 0;
		s[next].ota_seq = index + 1;
	}
	memset(s[next].seq_label, 0xFF, sizeof(s[next].seq_label));
	s[next].ota_state = HOST_OTA_IMG_UNDEFINED;
	s[next].crc = host_ota_crc(&s[next]);
	err = esp_partition_erase_range(otadata, HOST_OTADATA_SECTOR * next, HOST_OTADATA_SECTOR);
	if (err == ESP_OK)
		err = esp_partition_write(otadata, HOST_OTADATA_SECTOR * next, &s[next], sizeof(s[next]));
	return err;
}
