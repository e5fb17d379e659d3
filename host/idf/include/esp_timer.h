/* Host subset of ESP-IDF v6.0 esp_timer.h. */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Microseconds since boot. On the host: real time since start plus the
   modelled flash time, so durations read like the device's. */
int64_t esp_timer_get_time(void);

#ifdef __cplusplus
}
#endif
