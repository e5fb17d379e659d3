/*
 * Host stand-in for ESP-IDF's certificate bundle (components/mbedtls/
 * esp_crt_bundle). On the device the bundle is a build-time set of public
 * root CAs; on the host, a config whose crt_bundle_attach is set verifies
 * servers against the system's CA store instead.
 */
#ifndef _ESP_CRT_BUNDLE_H_
#define _ESP_CRT_BUNDLE_H_

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

esp_err_t esp_crt_bundle_attach(void *conf);

#ifdef __cplusplus
}
#endif

#endif
