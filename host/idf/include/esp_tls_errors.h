/*
 * The esp-tls error codes (ESP-IDF v6.0, components/esp-tls/esp_tls_errors.h)
 * that the host esp_http_client reports through
 * esp_http_client_get_and_clear_last_tls_error(), and the mbedTLS
 * certificate verification flags it reports with them.
 */
#ifndef _ESP_TLS_ERRORS_H_
#define _ESP_TLS_ERRORS_H_

#include "esp_err.h"

#define ESP_ERR_ESP_TLS_BASE                        0x8000
#define ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME     (ESP_ERR_ESP_TLS_BASE + 0x01)
#define ESP_ERR_ESP_TLS_CANNOT_CREATE_SOCKET        (ESP_ERR_ESP_TLS_BASE + 0x02)
#define ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST      (ESP_ERR_ESP_TLS_BASE + 0x04)
#define ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT          (ESP_ERR_ESP_TLS_BASE + 0x06)
#define ESP_ERR_MBEDTLS_CERT_PARTLY_OK              (ESP_ERR_ESP_TLS_BASE + 0x10)
#define ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED       (ESP_ERR_ESP_TLS_BASE + 0x15)
#define ESP_ERR_MBEDTLS_SSL_SETUP_FAILED            (ESP_ERR_ESP_TLS_BASE + 0x17)
#define ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED        (ESP_ERR_ESP_TLS_BASE + 0x1A)
#define ESP_ERR_MBEDTLS_SSL_READ_FAILED             (ESP_ERR_ESP_TLS_BASE + 0x1D)

/* mbedTLS x509.h verification flags (same values in 2.28 and 4.0). */
#ifndef MBEDTLS_X509_BADCERT_EXPIRED
#define MBEDTLS_X509_BADCERT_EXPIRED     0x01
#define MBEDTLS_X509_BADCERT_CN_MISMATCH 0x04
#define MBEDTLS_X509_BADCERT_NOT_TRUSTED 0x08
#define MBEDTLS_X509_BADCERT_FUTURE      0x0200
#endif

#endif
