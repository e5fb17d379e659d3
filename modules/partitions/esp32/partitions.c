/*
 * The partition table the device booted with (esp_partition_*), the running
 * and boot partitions, and the choice of the next boot partition (esp_ota_*).
 * Errors start with a stable code the TS face turns into a ReflashError.
 */
#include "xsmc.h"
#include "mc.xs.h"

#include <string.h>

#include "esp_err.h"
#include "esp_ota_ops.h"
#include "esp_partition.h"
#include "sdkconfig.h"

/* Sets `target` to { label, type, subtype, address, size, encrypted, readonly }. */
static void xs_partitions_describe(xsMachine *the, xsSlot *target, const esp_partition_t *p)
{
	xsmcSetNewObject(*target);
	xsmcSetString(xsVar(0), (char *)p->label);
	xsmcSet(*target, xsID_label, xsVar(0));
	xsmcSetInteger(xsVar(0), p->type);
	xsmcSet(*target, xsID_type, xsVar(0));
	xsmcSetInteger(xsVar(0), p->subtype);
	xsmcSet(*target, xsID_subtype, xsVar(0));
	xsmcSetNumber(xsVar(0), p->address);
	xsmcSet(*target, xsID_address, xsVar(0));
	xsmcSetNumber(xsVar(0), p->size);
	xsmcSet(*target, xsID_size, xsVar(0));
	xsmcSetBoolean(xsVar(0), p->encrypted);
	xsmcSet(*target, xsID_encrypted, xsVar(0));
	xsmcSetBoolean(xsVar(0), p->readonly);
	xsmcSet(*target, xsID_readonly, xsVar(0));
}

/* list(): every entry of the table, in table order. */
void xs_partitions_list(xsMachine *the)
{
	esp_partition_iterator_t it = esp_partition_find(ESP_PARTITION_TYPE_ANY, ESP_PARTITION_SUBTYPE_ANY, NULL);
	xsIntegerValue index = 0;
	xsmcVars(2);
	xsmcSetNewArray(xsResult, 0);
	for (; it; it = esp_partition_next(it)) {
		xs_partitions_describe(the, &xsVar(1), esp_partition_get(it));
		xsmcSetIndex(xsResult, index++, xsVar(1));
	}
}

/* running(): the app partition this firmware runs from. */
void xs_partitions_running(xsMachine *the)
{
	const esp_partition_t *p = esp_ota_get_running_partition();
	if (!p)
		xsUnknownError("PARTITION_NOT_FOUND: the running app partition is unknown");
	xsmcVars(1);
	xs_partitions_describe(the, &xsResult, p);
}

/* boot(): the app partition the bootloader starts next, or undefined. */
void xs_partitions_boot(xsMachine *the)
{
	const esp_partition_t *p = esp_ota_get_boot_partition();
	if (!p)
		return;
	xsmcVars(1);
	xs_partitions_describe(the, &xsResult, p);
}

/* setBoot(label): makes the app partition `label` the next boot partition. */
void xs_partitions_set_boot(xsMachine *the)
{
	char label[17];
	const esp_partition_t *p;
	esp_err_t err;
	xsmcToStringBuffer(xsArg(0), label, sizeof(label));
	p = esp_partition_find_first(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_ANY, label);
	if (!p)
		xsRangeError("PARTITION_NOT_FOUND: set boot %s: no app partition with that label", label);
	err = esp_ota_set_boot_partition(p);
	if (err != ESP_OK)
		xsUnknownError("FLASH_IO: set boot %s at 0x%08x: %s", label, (unsigned)p->address, esp_err_to_name(err));
}

/* The offset this build reads the partition table from. */
void xs_partitions_get_table_offset(xsMachine *the)
{
	xsmcSetNumber(xsResult, CONFIG_PARTITION_TABLE_OFFSET);
}
