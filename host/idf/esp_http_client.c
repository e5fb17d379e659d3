/*
 * esp_http_client for the host runtime, over libcurl.
 *
 * One curl easy handle per client, driven by its own multi handle: the multi
 * interface lets esp_http_client_read() block for bytes into the caller's
 * buffer with ESP-IDF's per-wait timeout, which curl's easy interface cannot.
 * Body bytes go straight into the caller's buffer; bytes that arrive while no
 * read is waiting (or beyond its buffer) are kept in a spill buffer, as
 * ESP-IDF keeps the body bytes that came with the headers.
 *
 * Honoured config fields: url, cert_pem/cert_len (PEM only), crt_bundle_attach
 * (the system CA store; with it cert_pem is ignored, as esp-tls does), timeout_ms, max_redirection_count, event_handler,
 * user_data, buffer_size (floor of curl's buffer), skip_cert_common_name_check,
 * user_agent, keep_alive_enable. Only GET is supported (open's write_len must
 * be 0). Certificates are always verified, as esp-tls does without
 * CONFIG_ESP_TLS_INSECURE.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "esp_crt_bundle.h"
#include "esp_http_client.h"
#include "esp_tls_errors.h"

/* What curl reads per socket read; ESP-IDF's 512-byte default rx buffer would
 * only slow the host down without changing what the caller sees. */
#define HOST_CURL_BUFFER (256 * 1024)

typedef struct request_header {
    struct request_header *next;
    char *key;
    char *value;
} request_header_t;

struct esp_http_client {
    CURLM *multi;
    CURL *easy;
    bool attached;                  /* easy is in multi: a transfer is under way or finished */
    char *url;
    char *location;                 /* resolved redirect target of the last response */
    request_header_t *headers;
    struct curl_slist *header_list; /* built at open, alive while the transfer is */
    char *cert_pem;
    size_t cert_len;
    bool use_bundle;
    bool skip_common_name;
    int timeout_ms;
    int redirect_counter;
    int max_redirection_count;
    http_event_handle_cb event_handler;
    void *user_data;
    esp_http_state_t state;

    bool connected;                 /* curl reached the point of sending the request */
    bool headers_done;
    bool transfer_done;
    CURLcode result;
    int status_code;
    int64_t content_length;
    bool is_chunked;
    int64_t data_process;

    char *out;                      /* the caller's buffer during a read */
    int out_len;
    int out_used;
    int out_start;                  /* out_used when this wait began */
    char *spill;
    size_t spill_len;
    size_t spill_off;
    size_t spill_cap;

    int sock_errno;
    esp_err_t tls_error;
    int tls_flags;
    char curl_error[CURL_ERROR_SIZE];
};

static void dispatch(esp_http_client_handle_t c, esp_http_client_event_id_t id, void *data, int len, char *key, char *value)
{
    if (!c->event_handler) {
        return;
    }
    esp_http_client_event_t evt = {
        .event_id = id, .client = c, .data = data, .data_len = len,
        .user_data = c->user_data, .header_key = key, .header_value = value,
    };
    c->event_handler(&evt);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool spill_append(esp_http_client_handle_t c, const char *data, size_t len)
{
    if (c->spill_off == c->spill_len) {
        c->spill_off = c->spill_len = 0;
    }
    if (c->spill_len + len > c->spill_cap) {
        size_t cap = c->spill_cap ? c->spill_cap : 64 * 1024;
        while (cap < c->spill_len + len) {
            cap *= 2;
        }
        char *grown = realloc(c->spill, cap);
        if (!grown) {
            return false;
        }
        c->spill = grown;
        c->spill_cap = cap;
    }
    memcpy(c->spill + c->spill_len, data, len);
    c->spill_len += len;
    return true;
}

static size_t on_body(char *data, size_t size, size_t count, void *user)
{
    esp_http_client_handle_t c = user;
    size_t len = size * count;
    size_t direct = 0;
    if (c->out && c->spill_off == c->spill_len) {
        direct = (size_t)(c->out_len - c->out_used);
        if (direct > len) {
            direct = len;
        }
        memcpy(c->out + c->out_used, data, direct);
        c->out_used += (int)direct;
    }
    if (direct < len && !spill_append(c, data + direct, len - direct)) {
        return 0; /* curl ends the transfer with CURLE_WRITE_ERROR */
    }
    c->data_process += (int64_t)len;
    dispatch(c, HTTP_EVENT_ON_DATA, data, (int)len, NULL, NULL);
    return len;
}

static bool has_token(const char *list, const char *token)
{
    size_t n = strlen(token);
    for (const char *p = list; *p; p++) {
        if (strncasecmp(p, token, n) == 0) {
            return true;
        }
    }
    return false;
}

static char *trimmed(const char *start, const char *end)
{
    while (start < end && (*start == ' ' || *start == '\t')) {
        start++;
    }
    while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n')) {
        end--;
    }
    return strndup(start, (size_t)(end - start));
}

static void on_header_line(esp_http_client_handle_t c, const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len);
    if (!colon) {
        return;
    }
    char *key = trimmed(line, colon);
    char *value = trimmed(colon + 1, line + len);
    if (key && value) {
        if (strcasecmp(key, "Content-Length") == 0) {
            c->content_length = strtoll(value, NULL, 10);
        } else if (strcasecmp(key, "Location") == 0) {
            free(c->location);
            c->location = strdup(value);
        } else if (strcasecmp(key, "Transfer-Encoding") == 0 && has_token(value, "chunked")) {
            c->is_chunked = true;
        }
        dispatch(c, HTTP_EVENT_ON_HEADER, NULL, 0, key, value);
    }
    free(key);
    free(value);
}

/* The Location header resolved against the request URL, as a browser would. */
static char *resolve_location(const char *base, const char *location)
{
    char *resolved = NULL;
    CURLU *u = curl_url();
    if (u && curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK
        && curl_url_set(u, CURLUPART_URL, location, 0) == CURLUE_OK) {
        char *text = NULL;
        if (curl_url_get(u, CURLUPART_URL, &text, 0) == CURLUE_OK) {
            resolved = strdup(text);
            curl_free(text);
        }
    }
    curl_url_cleanup(u);
    return resolved;
}

static void on_headers_end(esp_http_client_handle_t c)
{
    if (c->status_code >= 100 && c->status_code < 200) {
        return; /* an interim response: the real one follows */
    }
    if (c->location) {
        char *resolved = resolve_location(c->url, c->location);
        free(c->location);
        c->location = resolved;
    }
    c->headers_done = true;
    c->state = HTTP_STATE_RES_COMPLETE_HEADER;
    dispatch(c, HTTP_EVENT_ON_HEADERS_COMPLETE, NULL, 0, NULL, NULL);
}

static size_t on_header(char *line, size_t size, size_t count, void *user)
{
    esp_http_client_handle_t c = user;
    size_t len = size * count;
    if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        const char *space = memchr(line, ' ', len);
        c->status_code = space ? atoi(space + 1) : -1;
        c->content_length = -1;
        c->is_chunked = false;
        free(c->location);
        c->location = NULL;
    } else if (len <= 2 && (line[0] == '\r' || line[0] == '\n')) {
        on_headers_end(c);
    } else {
        on_header_line(c, line, len);
    }
    return len;
}

static int on_prereq(void *user, char *conn_primary_ip, char *conn_local_ip, int conn_primary_port, int conn_local_port)
{
    (void)conn_primary_ip;
    (void)conn_local_ip;
    (void)conn_primary_port;
    (void)conn_local_port;
    esp_http_client_handle_t c = user;
    c->connected = true;
    return CURL_PREREQFUNC_OK;
}

/* Runs curl until `ready` holds (1), the transfer ends (0), or `timeout_ms`
 * pass (-1). */
static int pump(esp_http_client_handle_t c, bool (*ready)(esp_http_client_handle_t), int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        int running = 0;
        curl_multi_perform(c->multi, &running);
        int pending;
        CURLMsg *msg;
        while ((msg = curl_multi_info_read(c->multi, &pending))) {
            if (msg->msg == CURLMSG_DONE && msg->easy_handle == c->easy) {
                c->transfer_done = true;
                c->result = msg->data.result;
            }
        }
        if (ready(c)) {
            return 1;
        }
        if (c->transfer_done) {
            return 0;
        }
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            return -1;
        }
        curl_multi_poll(c->multi, NULL, 0, (int)left, NULL);
    }
}

static bool is_connected(esp_http_client_handle_t c) { return c->connected; }
static bool has_headers(esp_http_client_handle_t c) { return c->headers_done; }
static bool has_body_bytes(esp_http_client_handle_t c) { return c->out_used > c->out_start || c->spill_off < c->spill_len; }

/* X509_V_ERR_* (OpenSSL) to the mbedTLS flag esp-tls would report. */
static int verify_flags(long openssl_result)
{
    switch (openssl_result) {
    case 0: return MBEDTLS_X509_BADCERT_CN_MISMATCH; /* chain fine: curl refused the name */
    case 9: return MBEDTLS_X509_BADCERT_FUTURE;      /* X509_V_ERR_CERT_NOT_YET_VALID */
    case 10: return MBEDTLS_X509_BADCERT_EXPIRED;    /* X509_V_ERR_CERT_HAS_EXPIRED */
    default: return MBEDTLS_X509_BADCERT_NOT_TRUSTED;
    }
}

/* Records a failed transfer the way esp-tls and tcp_transport would. */
static void record_failure(esp_http_client_handle_t c, CURLcode result)
{
    long os_errno = 0;
    long verify = 0;
    curl_easy_getinfo(c->easy, CURLINFO_OS_ERRNO, &os_errno);
    c->sock_errno = (int)os_errno;
    switch (result) {
    case CURLE_COULDNT_RESOLVE_HOST:
        c->tls_error = ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME;
        break;
    case CURLE_COULDNT_CONNECT:
        c->tls_error = ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST;
        break;
    case CURLE_OPERATION_TIMEDOUT:
        c->tls_error = ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT;
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
        curl_easy_getinfo(c->easy, CURLINFO_SSL_VERIFYRESULT, &verify);
        c->tls_error = ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED;
        c->tls_flags = verify_flags(verify);
        break;
    case CURLE_SSL_CACERT_BADFILE:
        c->tls_error = ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED;
        break;
    case CURLE_SSL_CONNECT_ERROR:
        c->tls_error = ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED;
        break;
    case CURLE_RECV_ERROR:
        if (!c->sock_errno) {
            c->sock_errno = ECONNRESET;
        }
        break;
    default:
        break;
    }
}

static void detach(esp_http_client_handle_t c)
{
    if (c->attached) {
        curl_multi_remove_handle(c->multi, c->easy);
        c->attached = false;
    }
    curl_slist_free_all(c->header_list);
    c->header_list = NULL;
}

static void reset_response(esp_http_client_handle_t c)
{
    c->connected = c->headers_done = c->transfer_done = false;
    c->result = CURLE_OK;
    c->status_code = -1;
    c->content_length = -1;
    c->is_chunked = false;
    c->data_process = 0;
    c->spill_len = c->spill_off = 0;
    c->sock_errno = 0;
    free(c->location);
    c->location = NULL;
}

static void global_init(void)
{
    static bool done;
    if (!done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        done = true;
    }
}

esp_err_t esp_crt_bundle_attach(void *conf)
{
    (void)conf;
    return ESP_OK;
}

esp_http_client_handle_t esp_http_client_init(const esp_http_client_config_t *config)
{
    if (!config || !config->url || config->method != HTTP_METHOD_GET) {
        return NULL;
    }
    global_init();
    esp_http_client_handle_t c = calloc(1, sizeof(*c));
    if (!c) {
        return NULL;
    }
    c->multi = curl_multi_init();
    c->easy = curl_easy_init();
    if (config->cert_pem && !config->crt_bundle_attach) { /* esp-tls: the bundle wins */
        c->cert_len = config->cert_len ? config->cert_len : strlen(config->cert_pem) + 1;
        c->cert_pem = malloc(c->cert_len);
        if (c->cert_pem) {
            memcpy(c->cert_pem, config->cert_pem, c->cert_len);
        }
    }
    if (!c->multi || !c->easy || (config->cert_pem && !config->crt_bundle_attach && !c->cert_pem) || esp_http_client_set_url(c, config->url) != ESP_OK) {
        esp_http_client_cleanup(c);
        return NULL;
    }
    c->use_bundle = config->crt_bundle_attach != NULL;
    c->skip_common_name = config->skip_cert_common_name_check;
    c->timeout_ms = config->timeout_ms ? config->timeout_ms : 5000;
    c->max_redirection_count = config->max_redirection_count ? config->max_redirection_count : 10;
    c->event_handler = config->event_handler;
    c->user_data = config->user_data;
    c->state = HTTP_STATE_INIT;
    c->status_code = -1;
    c->content_length = -1;

    CURL *e = c->easy;
    long buffer = config->buffer_size > HOST_CURL_BUFFER ? config->buffer_size : HOST_CURL_BUFFER;
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, buffer);
    curl_easy_setopt(e, CURLOPT_USERAGENT, config->user_agent ? config->user_agent : "ESP32 HTTP Client/1.0");
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, config->keep_alive_enable ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, c->skip_common_name ? 0L : 2L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->curl_error);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, c);
    if (c->cert_pem) {
        struct curl_blob blob = { .data = c->cert_pem, .len = c->cert_len, .flags = CURL_BLOB_NOCOPY };
        curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
        curl_easy_setopt(e, CURLOPT_CAPATH, NULL); /* the given CA only, as on the device */
    }
    return c;
}

esp_err_t esp_http_client_cleanup(esp_http_client_handle_t c)
{
    if (!c) {
        return ESP_FAIL;
    }
    detach(c);
    if (c->easy) {
        curl_easy_cleanup(c->easy);
    }
    if (c->multi) {
        curl_multi_cleanup(c->multi);
    }
    while (c->headers) {
        request_header_t *h = c->headers;
        c->headers = h->next;
        free(h->key);
        free(h->value);
        free(h);
    }
    free(c->url);
    free(c->location);
    free(c->cert_pem);
    free(c->spill);
    free(c);
    return ESP_OK;
}

esp_err_t esp_http_client_set_url(esp_http_client_handle_t c, const char *url)
{
    if (!c || !url) {
        return ESP_ERR_INVALID_ARG;
    }
    CURLU *parsed = curl_url();
    if (!parsed) {
        return ESP_ERR_NO_MEM;
    }
    CURLUcode rc = curl_url_set(parsed, CURLUPART_URL, url, 0);
    curl_url_cleanup(parsed);
    if (rc != CURLUE_OK) {
        return ESP_ERR_INVALID_ARG;
    }
    char *copy = strdup(url);
    if (!copy) {
        return ESP_ERR_NO_MEM;
    }
    free(c->url);
    c->url = copy;
    return ESP_OK;
}

esp_err_t esp_http_client_get_url(esp_http_client_handle_t c, char *url, const int len)
{
    if (!c || !url || len <= 0 || (int)strlen(c->url) >= len) {
        return ESP_FAIL;
    }
    strcpy(url, c->url);
    return ESP_OK;
}

static request_header_t **find_header(esp_http_client_handle_t c, const char *key)
{
    request_header_t **at = &c->headers;
    while (*at && strcasecmp((*at)->key, key) != 0) {
        at = &(*at)->next;
    }
    return at;
}

esp_err_t esp_http_client_set_header(esp_http_client_handle_t c, const char *key, const char *value)
{
    if (!c || !key) {
        return ESP_ERR_INVALID_ARG;
    }
    if (!value) {
        return esp_http_client_delete_header(c, key);
    }
    request_header_t **at = find_header(c, key);
    char *copy = strdup(value);
    if (!copy) {
        return ESP_ERR_NO_MEM;
    }
    if (*at) {
        free((*at)->value);
        (*at)->value = copy;
        return ESP_OK;
    }
    request_header_t *h = calloc(1, sizeof(*h));
    if (!h || !(h->key = strdup(key))) {
        free(h);
        free(copy);
        return ESP_ERR_NO_MEM;
    }
    h->value = copy;
    *at = h;
    return ESP_OK;
}

esp_err_t esp_http_client_get_header(esp_http_client_handle_t c, const char *key, char **value)
{
    if (!c || !key || !value) {
        return ESP_ERR_INVALID_ARG;
    }
    request_header_t *h = *find_header(c, key);
    *value = h ? h->value : NULL;
    return h ? ESP_OK : ESP_ERR_NOT_FOUND;
}

esp_err_t esp_http_client_delete_header(esp_http_client_handle_t c, const char *key)
{
    if (!c || !key) {
        return ESP_ERR_INVALID_ARG;
    }
    request_header_t **at = find_header(c, key);
    if (!*at) {
        return ESP_ERR_NOT_FOUND; /* as ESP-IDF's http_header_delete() */
    }
    request_header_t *h = *at;
    *at = h->next;
    free(h->key);
    free(h->value);
    free(h);
    return ESP_OK;
}

esp_err_t esp_http_client_set_timeout_ms(esp_http_client_handle_t c, int timeout_ms)
{
    if (!c) {
        return ESP_ERR_INVALID_ARG;
    }
    c->timeout_ms = timeout_ms;
    return ESP_OK;
}

static esp_err_t start_transfer(esp_http_client_handle_t c)
{
    for (request_header_t *h = c->headers; h; h = h->next) {
        char line[1024];
        snprintf(line, sizeof(line), "%s: %s", h->key, h->value);
        struct curl_slist *list = curl_slist_append(c->header_list, line);
        if (!list) {
            return ESP_ERR_NO_MEM;
        }
        c->header_list = list;
    }
    curl_easy_setopt(c->easy, CURLOPT_URL, c->url);
    curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, c->header_list);
    curl_easy_setopt(c->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)c->timeout_ms);
    if (curl_multi_add_handle(c->multi, c->easy) != CURLM_OK) {
        return ESP_FAIL;
    }
    c->attached = true;
    return ESP_OK;
}

esp_err_t esp_http_client_open(esp_http_client_handle_t c, int write_len)
{
    if (!c || write_len != 0) {
        return ESP_ERR_INVALID_ARG;
    }
    detach(c);
    reset_response(c);
    c->state = HTTP_STATE_CONNECTING;
    esp_http_client_transport_t transport = esp_http_client_get_transport_type(c);
    if (transport == HTTP_TRANSPORT_UNKNOWN) {
        c->state = HTTP_STATE_INIT;
        return ESP_ERR_HTTP_INVALID_TRANSPORT;
    }
    if (transport == HTTP_TRANSPORT_OVER_SSL && !c->cert_pem && !c->use_bundle) {
        c->tls_error = ESP_ERR_MBEDTLS_SSL_SETUP_FAILED;
        c->state = HTTP_STATE_INIT;
        return ESP_ERR_HTTP_CONNECT;
    }
    esp_err_t err = start_transfer(c);
    if (err != ESP_OK) {
        detach(c);
        c->state = HTTP_STATE_INIT;
        return err;
    }
    /* curl enforces the connect timeout itself; the margin only stops a hang */
    int got = pump(c, is_connected, c->timeout_ms + 1000);
    if (got != 1) {
        record_failure(c, got == 0 ? c->result : CURLE_OPERATION_TIMEDOUT);
        detach(c);
        c->state = HTTP_STATE_INIT;
        return ESP_ERR_HTTP_CONNECT;
    }
    c->state = HTTP_STATE_REQ_COMPLETE_HEADER;
    dispatch(c, HTTP_EVENT_ON_CONNECTED, NULL, 0, NULL, NULL);
    return ESP_OK;
}

int64_t esp_http_client_fetch_headers(esp_http_client_handle_t c)
{
    if (!c || c->state < HTTP_STATE_REQ_COMPLETE_HEADER) {
        return ESP_FAIL;
    }
    c->state = HTTP_STATE_REQ_COMPLETE_DATA;
    int got = pump(c, has_headers, c->timeout_ms);
    if (got < 0) {
        return -ESP_ERR_HTTP_EAGAIN;
    }
    if (got == 0) {
        record_failure(c, c->result);
        return ESP_FAIL;
    }
    c->state = HTTP_STATE_RES_ON_DATA_START;
    if (c->content_length <= 0) {
        c->is_chunked = true;
        return 0;
    }
    return c->content_length;
}

bool esp_http_client_is_chunked_response(esp_http_client_handle_t c)
{
    return c->is_chunked;
}

int esp_http_client_read(esp_http_client_handle_t c, char *buffer, int len)
{
    if (!c || c->state < HTTP_STATE_RES_ON_DATA_START || !buffer || len < 0) {
        return ESP_FAIL;
    }
    int ridx = 0;
    size_t cached = c->spill_len - c->spill_off;
    if (cached) {
        ridx = cached > (size_t)len ? len : (int)cached;
        memcpy(buffer, c->spill + c->spill_off, (size_t)ridx);
        c->spill_off += (size_t)ridx;
    }
    while (ridx < len) {
        if (c->transfer_done) {
            if (c->result == CURLE_OK) {
                break;
            }
            record_failure(c, c->result);
            return ridx ? ridx : ESP_FAIL;
        }
        c->out = buffer;
        c->out_len = len;
        c->out_used = c->out_start = ridx;
        int got = pump(c, has_body_bytes, c->timeout_ms);
        ridx = c->out_used;
        c->out = NULL;
        if (got < 0) {
            return ridx ? ridx : -ESP_ERR_HTTP_EAGAIN;
        }
    }
    return ridx;
}

int esp_http_client_get_status_code(esp_http_client_handle_t c)
{
    return c->status_code;
}

int64_t esp_http_client_get_content_length(esp_http_client_handle_t c)
{
    return c->content_length;
}

esp_err_t esp_http_client_close(esp_http_client_handle_t c)
{
    if (!c) {
        return ESP_FAIL;
    }
    if (c->state > HTTP_STATE_INIT) {
        dispatch(c, HTTP_EVENT_DISCONNECTED, NULL, 0, NULL, NULL);
        c->state = HTTP_STATE_INIT;
    }
    detach(c);
    return ESP_OK;
}

esp_err_t esp_http_client_set_redirection(esp_http_client_handle_t c)
{
    if (!c || !c->location) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t err = esp_http_client_set_url(c, c->location);
    if (err == ESP_OK) {
        c->redirect_counter++;
    }
    return err;
}

esp_err_t esp_http_client_reset_redirect_counter(esp_http_client_handle_t c)
{
    if (!c) {
        return ESP_ERR_INVALID_ARG;
    }
    c->redirect_counter = 0;
    return ESP_OK;
}

bool esp_http_client_is_complete_data_received(esp_http_client_handle_t c)
{
    return c->transfer_done && c->result == CURLE_OK && c->spill_off == c->spill_len;
}

esp_err_t esp_http_client_flush_response(esp_http_client_handle_t c, int *len)
{
    if (!c) {
        return ESP_ERR_INVALID_ARG;
    }
    char sink[4096];
    int total = 0;
    int got;
    while ((got = esp_http_client_read(c, sink, sizeof(sink))) > 0) {
        total += got;
    }
    if (len) {
        *len = total;
    }
    return got < 0 ? ESP_FAIL : ESP_OK;
}

int esp_http_client_get_errno(esp_http_client_handle_t c)
{
    return c ? c->sock_errno : -1;
}

esp_err_t esp_http_client_get_and_clear_last_tls_error(esp_http_client_handle_t c, int *esp_tls_error_code, int *esp_tls_flags)
{
    if (!c) {
        return ESP_FAIL;
    }
    esp_err_t err = c->tls_error;
    if (esp_tls_error_code) {
        *esp_tls_error_code = 0;
    }
    if (esp_tls_flags) {
        *esp_tls_flags = c->tls_flags;
    }
    c->tls_error = ESP_OK;
    c->tls_flags = 0;
    return err;
}

esp_http_client_transport_t esp_http_client_get_transport_type(esp_http_client_handle_t c)
{
    if (strncasecmp(c->url, "https:", 6) == 0) {
        return HTTP_TRANSPORT_OVER_SSL;
    }
    return strncasecmp(c->url, "http:", 5) == 0 ? HTTP_TRANSPORT_OVER_TCP : HTTP_TRANSPORT_UNKNOWN;
}
