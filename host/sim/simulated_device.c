#include "simulated_device.h"
#include "host_idf.h"
#include "nor_sim.h"
#include "esp_ota_ops.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
