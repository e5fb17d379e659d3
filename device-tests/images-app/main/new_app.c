/* The app the reflash installs: says it runs, and from where. */
#include <stdio.h>

#include "esp_ota_ops.h"

void app_main(void)
{
	const esp_partition_t *running = esp_ota_get_running_partition();
	printf("XS-REFLASHER NEW APP: running from %s at 0x%08x\n",
		running ? running->label : "?", running ? (unsigned)running->address : 0u);
	fflush(stdout);
}
