/* Host subset of ESP-IDF v6.0 esp_log.h: the ESP_LOGx macros, to stderr. */
#pragma once

#include <stdio.h>

#define ESP_LOGE(tag, format, ...) fprintf(stderr, "E (%s) " format "\n", tag, ##__VA_ARGS__)
#define ESP_LOGW(tag, format, ...) fprintf(stderr, "W (%s) " format "\n", tag, ##__VA_ARGS__)
#define ESP_LOGI(tag, format, ...) fprintf(stderr, "I (%s) " format "\n", tag, ##__VA_ARGS__)
#define ESP_LOGD(tag, format, ...) do { } while (0)
#define ESP_LOGV(tag, format, ...) do { } while (0)
