#include "dt_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unity.h"
#include "dev_xs.h"

/* The same bindings the module faces (modules/<name>/<name>.ts) make. */
static const char *const dt_prelude =
	"globalThis.RawFlash = class extends Native('xs_rawflash_destructor') {"
	"  constructor() { super(); native('xs_rawflash_constructor').call(this); }"
	"  get size() { return native('xs_rawflash_get_size').call(this); }"
	"  get sectorSize() { return native('xs_rawflash_get_sector_size').call(this); }"
	"  get chip() { return native('xs_rawflash_get_chip').call(this); }"
	"  get bootloaderOffset() { return native('xs_rawflash_get_bootloader_offset').call(this); }"
	"  read(a, t) { native('xs_rawflash_read').call(this, a, t); }"
	"  erase(a, l) { native('xs_rawflash_erase').call(this, a, l); }"
	"  write(a, d) { native('xs_rawflash_write').call(this, a, d); }"
	"};"
	"globalThis.Sha256 = class extends Native('xs_crypto_sha256_destructor') {"
	"  constructor() { super(); native('xs_crypto_sha256_constructor').call(this); }"
	"  update(d) { native('xs_crypto_sha256_update').call(this, d); }"
	"  digest() { return new Uint8Array(native('xs_crypto_sha256_digest').call(this)); }"
	"};"
	"globalThis.md5 = (d) => new Uint8Array(native('xs_crypto_md5').call(undefined, d));"
	"globalThis.verifyP256 = (k, m, s) => native('xs_crypto_verify_p256').call(undefined, k, m, s);"
	"globalThis.Http = class extends Native('xs_http_destructor') {"
	"  constructor(url, o = {}) { super(); native('xs_http_constructor').call(this, url, o.caCert, o.certBundle === true,"
	"    o.connectTimeoutMs ?? 10000, o.readTimeoutMs ?? 10000, o.maxRedirects ?? 5); }"
	"  open(offset = 0, ifRange) { return native('xs_http_open').call(this, offset, ifRange); }"
	"  length() { return native('xs_http_length').call(this); }"
	"  contentRange() { return native('xs_http_content_range').call(this); }"
	"  etag() { return native('xs_http_etag').call(this); }"
	"  read(t) { return native('xs_http_read').call(this, t); }"
	"  close() { native('xs_http_close').call(this); }"
	"};"
	"globalThis.partitions = {"
	"  list: () => native('xs_partitions_list')(),"
	"  running: () => native('xs_partitions_running')(),"
	"  boot: () => native('xs_partitions_boot')(),"
	"  setBoot: (label) => native('xs_partitions_set_boot')(label),"
	"  tableOffset: () => native('xs_partitions_get_table_offset')(),"
	"};"
	"globalThis.system = {"
	"  freeHeap: () => native('xs_system_free_heap')(),"
	"  ticks: () => native('xs_system_ticks')(),"
	"};"
	"globalThis.hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');"
	"globalThis.unhex = (s) => Uint8Array.from(s.match(/../g), (x) => parseInt(x, 16));"
	"globalThis.pattern = (offset, length) => { const b = new Uint8Array(length);"
	"  for (let i = 0; i < length; i++) { const n = offset + i; b[i] = (n * 31 + (n >>> 8)) & 255; } return b; };"
	"globalThis.codeOf = (e) => String(e && e.message).split(':')[0];"
	"'ready'";

static xsMachine *dt_the;

static xsMachine *dt_machine(void)
{
	if (!dt_the) {
		char out[DT_OUT_SIZE];
		dt_the = dev_xs_create();
		TEST_ASSERT_NOT_NULL_MESSAGE(dt_the, "XS machine not created (heap?)");
		TEST_ASSERT_TRUE_MESSAGE(dev_xs_eval(dt_the, dt_prelude, out, sizeof(out)), out);
	}
	return dt_the;
}

static char *dt_format(const char *js, va_list args)
{
	char *text = NULL;
	TEST_ASSERT_TRUE(vasprintf(&text, js, args) >= 0);
	return text;
}

/* Each test script runs in a block of its own: its const/let names do not
   outlive it, and the block's completion value is the script's result. */
static int dt_eval(char *out, const char *js, va_list args)
{
	char *body = dt_format(js, args);
	char *text = NULL;
	TEST_ASSERT_TRUE(asprintf(&text, "{\n%s\n}", body) >= 0);
	free(body);
	int ok = dev_xs_eval(dt_machine(), text, out, DT_OUT_SIZE);
	free(text);
	return ok;
}

void dt_expect(const char *expected, const char *js, ...)
{
	char out[DT_OUT_SIZE];
	va_list args;
	va_start(args, js);
	int ok = dt_eval(out, js, args);
	va_end(args);
	TEST_ASSERT_TRUE_MESSAGE(ok, out);
	TEST_ASSERT_EQUAL_STRING(expected, out);
}

void dt_run(char *out, const char *js, ...)
{
	va_list args;
	va_start(args, js);
	int ok = dt_eval(out, js, args);
	va_end(args);
	TEST_ASSERT_TRUE_MESSAGE(ok, out);
}

void dt_expect_code(const char *code, const char *js, ...)
{
	char out[DT_OUT_SIZE];
	va_list args;
	va_start(args, js);
	int ok = dt_eval(out, js, args);
	va_end(args);
	TEST_ASSERT_FALSE_MESSAGE(ok, "expected an exception");
	size_t n = strlen(code);
	if (strncmp(out, code, n) != 0 || out[n] != ':') {
		char message[DT_OUT_SIZE + 64];
		snprintf(message, sizeof(message), "expected %s, got: %s", code, out);
		TEST_FAIL_MESSAGE(message);
	}
}

const esp_partition_t *dt_partition(esp_partition_type_t type, esp_partition_subtype_t subtype, const char *label)
{
	const esp_partition_t *p = esp_partition_find_first(type, subtype, label);
	TEST_ASSERT_NOT_NULL_MESSAGE(p, label);
	return p;
}

void dt_pattern(uint8_t *out, uint32_t offset, uint32_t length)
{
	for (uint32_t i = 0; i < length; i++) {
		uint32_t n = offset + i;
		out[i] = (uint8_t)((n * 31 + (n >> 8)) & 0xFF);
	}
}

void dt_hex(char *out, const uint8_t *bytes, size_t length)
{
	for (size_t i = 0; i < length; i++)
		sprintf(out + 2 * i, "%02x", bytes[i]);
	out[2 * length] = 0;
}
