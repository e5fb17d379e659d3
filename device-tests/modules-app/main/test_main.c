/*
 * Runs every Unity test of the tier once, then prints the line run.mjs
 * waits for. The order is Unity's registration order; the HTTP tests bring
 * the Ethernet up on first use.
 */
#include <stdio.h>

#include "unity.h"
#include "esp_system.h"

void app_main(void)
{
	printf("DEVICE-TESTS: start (free heap %u)\n", (unsigned)esp_get_free_heap_size());
	UNITY_BEGIN();
	unity_run_all_tests();
	int failures = UNITY_END();
	printf("DEVICE-TESTS: done, %d failure(s)\n", failures);
	fflush(stdout);
}
