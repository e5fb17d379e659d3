#include "simulated_device.h"
#include "host_idf.h"
#include "nor_sim.h"
#include "esp_ota_ops.h"
#include "sdkconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* A non-negative integer (decimal or 0x hex) that fits `max`; -1 otherwise. */
static int64_t flag_number(const char *text, int64_t max)
{
	char *end;
	long long value;
	errno = 0;
	value = strtoll(text, &end, 0);
	return (errno || *end || *text == 0 || value < 0 || value > max) ? -1 : value;
}

int simulated_device_flag(simulated_device *d, const char *flag, const char *value, char *error, size_t error_size)
{
	int64_t n;
	if (!strcmp(flag, "--flash")) d->flash = value;
	else if (!strcmp(flag, "--chip")) d->chip = value;
	else if (!strcmp(flag, "--running")) d->running = value;
	else if (!strcmp(flag, "--trace")) d->trace = value;
	else if (!strcmp(flag, "--power-cut")) {
		if ((n = flag_number(value, INT64_MAX)) < 0) goto bad_number;
		d->power_cut_after = n;
	}
	else if (!strcmp(flag, "--partition-table-offset")) {
		if ((n = flag_number(value, UINT32_MAX)) < 0) goto bad_number;
		host_idf_partition_table_offset = (uint32_t)n;
	}
	else return 0;
	return 1;
bad_number:
	snprintf(error, error_size, "%s: expected a non-negative number, saw \"%s\"", flag, value);
	return -1;
}

int simulated_device_open(const simulated_device *d, char *error, size_t error_size)
{
	host_idf_config idf_cfg;
	nor_config nor_cfg;
	int i;

	memset(&idf_cfg, 0, sizeof(idf_cfg));
	for (i = 0; host_idf_chips[i].name; i++) {
		if (!strcmp(host_idf_chips[i].name, d->chip))
			idf_cfg.chip = host_idf_chips[i].model;
	}
	if (!idf_cfg.chip) {
		snprintf(error, error_size, "--chip %s: unknown chip", d->chip);
		return -1;
	}
	idf_cfg.running_label = d->running;
	idf_cfg.free_heap = 200 * 1024;
	idf_cfg.on_restart = d->on_restart;
	host_idf_configure(&idf_cfg);

	memset(&nor_cfg, 0, sizeof(nor_cfg));
	nor_cfg.path = d->flash;
	nor_cfg.strict = d->strict;
	nor_cfg.power_cut_after = d->power_cut_after;
	nor_cfg.on_power_cut = d->on_power_cut;
	if (d->trace && !(nor_cfg.trace = fopen(d->trace, "w"))) {
		snprintf(error, error_size, "--trace %s: %s", d->trace, strerror(errno));
		return -1;
	}
	if (nor_open(&nor_cfg, error, error_size) < 0 || host_idf_load_partitions(error, error_size) != 0)
		return -1;
	if (!esp_ota_get_running_partition()) {
		snprintf(error, error_size, "--running %s: no app partition with that label in the table", d->running);
		return -1;
	}
	return 0;
}
