/* modules/system/esp32/system.c: the clock and the heap figure. */
#include <stdlib.h>

#include "unity.h"
#include "dt_common.h"
#include "esp_system.h"

TEST_CASE("system ticks is monotonic milliseconds and freeHeap the C heap", "[system]")
{
	dt_expect("true", "const a = system.ticks(); let b = a; while (b - a < 20) b = system.ticks(); b - a < 1000");
	char out[DT_OUT_SIZE];
	dt_run(out, "system.freeHeap()");
	unsigned long js = strtoul(out, NULL, 10), c = esp_get_free_heap_size();
	/* the two reads are a moment apart: allow what XS allocated in between */
	TEST_ASSERT_UINT32_WITHIN(16 * 1024, c, js);
	TEST_ASSERT_GREATER_THAN(10 * 1024, js);
}
