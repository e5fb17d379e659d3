/*
 * HTTP(S) GET over ESP-IDF's esp_http_client, streaming into the caller's
 * buffer. The same file is compiled for the device and, against the host's
 * esp_http_client over libcurl, for the host runtime.
 *
 * Thrown messages start with a stable code (SOURCE_*) that the TypeScript face
 * turns into a ReflashError; TypeError and RangeError mean a caller bug.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xsmc.h"

#include "esp_crt_bundle.h"
#include "esp_err.h"
#include "esp_http_client.h"
#include "esp_tls_errors.h"

#ifndef MBEDTLS_X509_BADCERT_NOT_TRUSTED
#define MBEDTLS_X509_BADCERT_NOT_TRUSTED 0x08 /* mbedtls/x509.h, same value in 2.28 and 4.0 */
#endif

/* ESP-IDF's default rx buffer is 512 bytes: each transport read is at most
 * this, so a larger one means fewer TLS records split across reads. */
#define HTTP_RX_BUFFER 4096

typedef struct {
    esp_http_client_handle_t client;
    char *caCert;               /* esp_http_client keeps the pointer, not a copy */
    int connectTimeout;
    int readTimeout;
    int maxRedirects;
    int64_t received;           /* body bytes read since the last open */
    char contentRange[64];      /* response headers esp_http_client does not keep */
    char etag[96];
} xsHttpRecord;

void xs_http_destructor(void *data)
{
    xsHttpRecord *h = data;
    if (!h) {
        return;
    }
    if (h->client) {
        esp_http_client_close(h->client);
        esp_http_client_cleanup(h->client);
    }
    free(h->caCert);
    free(h);
}

static void keepHeader(char *target, size_t size, const char *value)
{
    size_t n = strlen(value);
    if (n >= size) {
        n = 0; /* longer than any sane value: treat as absent */
    }
    memcpy(target, value, n);
    target[n] = 0;
}

static esp_err_t onEvent(esp_http_client_event_t *evt)
{
    xsHttpRecord *h = evt->user_data;
    if (evt->event_id != HTTP_EVENT_ON_HEADER || !h) {
        return ESP_OK;
    }
    if (strcasecmp(evt->header_key, "Content-Range") == 0) {
        keepHeader(h->contentRange, sizeof(h->contentRange), evt->header_value);
    } else if (strcasecmp(evt->header_key, "ETag") == 0) {
        keepHeader(h->etag, sizeof(h->etag), evt->header_value);
    }
    return ESP_OK;
}

static xsHttpRecord *openRecord(xsMachine *the)
{
    xsHttpRecord *h = xsmcGetHostDataValidate(xsThis, (void *)xs_http_destructor);
    if (!h) {
        xsUnknownError("SOURCE_IO: request used after close()");
    }
    return h;
}

static char *copyString(xsMachine *the, xsSlot *slot)
{
    char *copy = strdup(xsmcToString(*slot));
    if (!copy) {
        xsUnknownError("SOURCE_IO: no memory for a %d-byte string", (int)strlen(xsmcToString(*slot)));
    }
    return copy;
}

/* new Http(url, caCertPem | undefined, useBundle, connectTimeoutMs, readTimeoutMs, maxRedirects) */
void xs_http_constructor(xsMachine *the)
{
    int useBundle = xsmcTest(xsArg(2));
    int connectTimeout = xsmcToInteger(xsArg(3));
    int readTimeout = xsmcToInteger(xsArg(4));
    int maxRedirects = xsmcToInteger(xsArg(5));
    if (connectTimeout <= 0 || readTimeout <= 0) {
        xsRangeError("timeouts must be > 0 ms: connect %d, read %d", connectTimeout, readTimeout);
    }
    if (maxRedirects < 0) {
        xsRangeError("maxRedirects %d < 0", maxRedirects);
    }
    xsHttpRecord *h = calloc(1, sizeof(xsHttpRecord));
    if (!h) {
        xsUnknownError("SOURCE_IO: no memory for an HTTP request");
    }
    xsmcSetHostData(xsThis, h);
    h->connectTimeout = connectTimeout;
    h->readTimeout = readTimeout;
    h->maxRedirects = maxRedirects;
    char *url = copyString(the, &xsArg(0));
    if (xsmcTest(xsArg(1)) && !(h->caCert = strdup(xsmcToString(xsArg(1))))) {
        free(url);
        xsUnknownError("SOURCE_IO: no memory for the CA certificate");
    }
    esp_http_client_config_t config = {
        .url = url,
        .cert_pem = h->caCert,
        .crt_bundle_attach = useBundle ? esp_crt_bundle_attach : NULL,
        .timeout_ms = connectTimeout,
        .max_redirection_count = maxRedirects,
        .event_handler = onEvent,
        .user_data = h,
        .buffer_size = HTTP_RX_BUFFER,
        .keep_alive_enable = true,
    };
    h->client = esp_http_client_init(&config); /* copies the URL */
    free(url);
    if (!h->client) {
        xsUnknownError("SOURCE_IO: esp_http_client_init refused the URL (not http or https?)");
    }
}

/* Why the connection failed, from what esp-tls recorded. */
static void throwOpenError(xsMachine *the, xsHttpRecord *h, esp_err_t err)
{
    int tlsCode = 0;
    int tlsFlags = 0;
    esp_err_t tls = esp_http_client_get_and_clear_last_tls_error(h->client, &tlsCode, &tlsFlags);
    int sockErrno = esp_http_client_get_errno(h->client);
    if (tls == ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT) {
        xsUnknownError("SOURCE_CONNECT: no connection within %d ms", h->connectTimeout);
    }
    if (tls >= ESP_ERR_MBEDTLS_CERT_PARTLY_OK || tlsFlags) {
        if (tlsFlags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
            xsUnknownError("SOURCE_TLS: server certificate not signed by a trusted CA (flags 0x%x): check caCert", tlsFlags);
        }
        if (tls == ESP_ERR_MBEDTLS_SSL_SETUP_FAILED) {
            xsUnknownError("SOURCE_TLS: no way to verify the server (esp-tls 0x%x): give caCert or certBundle", (int)tls);
        }
        xsUnknownError("SOURCE_TLS: TLS handshake failed: esp-tls 0x%x, certificate flags 0x%x", (int)tls, tlsFlags);
    }
    if (err == ESP_ERR_HTTP_INVALID_TRANSPORT) {
        xsUnknownError("SOURCE_CONNECT: no transport for this URL's scheme: use http or https");
    }
    xsUnknownError("SOURCE_CONNECT: connection failed: esp_err 0x%x, esp-tls 0x%x, errno %d", (int)err, (int)tls, sockErrno);
}

static int isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Sends the request and follows redirects. Returns the final status. */
static int request(xsMachine *the, xsHttpRecord *h)
{
    for (int hops = 0;; hops++) {
        h->contentRange[0] = 0;
        h->etag[0] = 0;
        h->received = 0;
        esp_http_client_set_timeout_ms(h->client, h->connectTimeout);
        esp_err_t err = esp_http_client_open(h->client, 0);
        if (err != ESP_OK) {
            throwOpenError(the, h, err);
        }
        esp_http_client_set_timeout_ms(h->client, h->readTimeout);
        int64_t length = esp_http_client_fetch_headers(h->client);
        if (length == -ESP_ERR_HTTP_EAGAIN) {
            xsUnknownError("SOURCE_TIMEOUT: no response headers within %d ms", h->readTimeout);
        }
        if (length < 0) {
            xsUnknownError("SOURCE_IO: connection closed before the response headers (errno %d)", esp_http_client_get_errno(h->client));
        }
        int status = esp_http_client_get_status_code(h->client);
        if (!isRedirect(status)) {
            return status;
        }
        if (hops >= h->maxRedirects) {
            xsUnknownError("SOURCE_REDIRECT_LOOP: still redirected after %d hops", hops);
        }
        if (esp_http_client_set_redirection(h->client) != ESP_OK) {
            xsUnknownError("SOURCE_HTTP_STATUS: redirect %d without a usable Location", status);
        }
        esp_http_client_close(h->client); /* drop the redirect's body with its connection */
    }
}

/* Sets a request header; NULL removes it (ESP_ERR_NOT_FOUND when it was not set). */
static void setHeader(xsMachine *the, xsHttpRecord *h, const char *key, const char *value)
{
    esp_err_t err = esp_http_client_set_header(h->client, key, value);
    if (err != ESP_OK && !(value == NULL && err == ESP_ERR_NOT_FOUND)) {
        xsUnknownError("SOURCE_IO: cannot set the %s header: esp_err 0x%x", key, (int)err);
    }
}

/* open(offset, ifRange | undefined): GET from `offset` (a Range request when > 0). Returns the status. */
void xs_http_open(xsMachine *the)
{
    xsHttpRecord *h = openRecord(the);
    int offset = xsmcToInteger(xsArg(0));
    char *ifRange = xsmcTest(xsArg(1)) ? xsmcToString(xsArg(1)) : NULL;
    if (offset < 0) {
        xsRangeError("offset %d < 0", offset);
    }
    char range[32];
    snprintf(range, sizeof(range), "bytes=%d-", offset);
    setHeader(the, h, "Range", offset ? range : NULL);
    setHeader(the, h, "If-Range", offset ? ifRange : NULL);
    esp_http_client_close(h->client);
    esp_http_client_reset_redirect_counter(h->client);
    xsmcSetInteger(xsResult, request(the, h));
}

/* Content-Length of the last response, or -1 when it has none (chunked). */
void xs_http_length(xsMachine *the)
{
    xsHttpRecord *h = openRecord(the);
    int64_t length = esp_http_client_get_content_length(h->client);
    if (esp_http_client_is_chunked_response(h->client) || length < 0) {
        length = -1;
    }
    xsmcSetNumber(xsResult, (double)length);
}

/* The Content-Range header of the last response, or undefined. */
void xs_http_content_range(xsMachine *the)
{
    xsHttpRecord *h = openRecord(the);
    if (h->contentRange[0]) {
        xsmcSetString(xsResult, h->contentRange);
    }
}

/* The ETag header of the last response, or undefined. */
void xs_http_etag(xsMachine *the)
{
    xsHttpRecord *h = openRecord(the);
    if (h->etag[0]) {
        xsmcSetString(xsResult, h->etag);
    }
}

/* read(buffer): fills `buffer` from the body; returns the count, 0 at the end. */
void xs_http_read(xsMachine *the)
{
    xsHttpRecord *h = openRecord(the);
    void *data;
    xsUnsignedValue size;
    xsmcGetBufferWritable(xsArg(0), &data, &size);
    if (size > 0x7FFFFFFF) {
        size = 0x7FFFFFFF;
    }
    int n = esp_http_client_read(h->client, data, (int)size);
    if (n == -ESP_ERR_HTTP_EAGAIN) {
        xsUnknownError("SOURCE_TIMEOUT: body stalled %d ms after %" PRId64 " bytes", h->readTimeout, h->received);
    }
    if (n < 0) {
        int e = esp_http_client_get_errno(h->client);
        if (e == ECONNRESET || e == ECONNABORTED || e == EPIPE || e == ETIMEDOUT) {
            xsUnknownError("SOURCE_IO: connection broke after %" PRId64 " bytes (errno %d)", h->received, e);
        }
        xsUnknownError("SOURCE_TRUNCATED: body ended after %" PRId64 " bytes, short of its length", h->received);
    }
    if (n == 0 && !esp_http_client_is_complete_data_received(h->client)) {
        xsUnknownError("SOURCE_TRUNCATED: body ended after %" PRId64 " bytes, short of its length", h->received);
    }
    h->received += n;
    xsmcSetInteger(xsResult, n);
}

/* close(): releases the connection and the client. Safe to call twice. */
void xs_http_close(xsMachine *the)
{
    xsHttpRecord *h = xsmcGetHostDataValidate(xsThis, (void *)xs_http_destructor);
    if (h) {
        xsmcSetHostData(xsThis, NULL);
        xs_http_destructor(h);
    }
}
