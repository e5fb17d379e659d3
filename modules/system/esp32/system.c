/* System: restart, free heap, and a monotonic clock. */
#include "xsmc.h"

#include "esp_system.h"
#include "esp_timer.h"

/* restart(): does not return. */
void xs_system_restart(xsMachine *the)
{
	esp_restart();
}

/* freeHeap(): bytes free in the C heap. */
void xs_system_free_heap(xsMachine *the)
{
	xsmcSetNumber(xsResult, esp_get_free_heap_size());
}

/* ticks(): milliseconds since boot, monotonic. */
void xs_system_ticks(xsMachine *the)
{
	xsmcSetNumber(xsResult, (xsNumberValue)esp_timer_get_time() / 1000.0);
}
