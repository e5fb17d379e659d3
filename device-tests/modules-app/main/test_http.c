/*
 * modules/http/esp32/http.c over ESP-IDF's esp_http_client, lwIP and the
 * emulator's Ethernet, against the server run.mjs starts on the host
 * (reached at the slirp gateway, 10.0.2.2). /blob.bin is 100000 pattern
 * bytes with a strong ETag; /cut/ breaks the first response after 40000
 * bytes; /norange/ ignores Range; /redirect and /loop redirect.
 */
#include <stdio.h>
#include <stdlib.h>

#include "unity.h"
#include "dt_common.h"
#include "dt_net.h"
#include "psa/crypto.h"

#define BLOB_SIZE 100000

/* SHA-256 of the blob, computed here from the pattern (not by the module),
   a chunk at a time: the heap has no 100000 contiguous bytes beside XS. */
static void blob_sha256(char *out)
{
	uint8_t chunk[1000], hash[32];
	size_t n = 0;
	psa_hash_operation_t op = PSA_HASH_OPERATION_INIT;
	TEST_ASSERT_EQUAL(PSA_SUCCESS, psa_crypto_init());
	TEST_ASSERT_EQUAL(PSA_SUCCESS, psa_hash_setup(&op, PSA_ALG_SHA_256));
	for (uint32_t at = 0; at < BLOB_SIZE; at += sizeof(chunk)) {
		dt_pattern(chunk, at, sizeof(chunk));
		TEST_ASSERT_EQUAL(PSA_SUCCESS, psa_hash_update(&op, chunk, sizeof(chunk)));
	}
	TEST_ASSERT_EQUAL(PSA_SUCCESS, psa_hash_finish(&op, hash, sizeof(hash), &n));
	dt_hex(out, hash, 32);
}

/* JS: reads the body of `h` into the running hash `sha`; returns the count. */
#define READ_ALL "const drain = (h, sha) => { const b = new Uint8Array(4096); let total = 0, n;" \
	" while ((n = h.read(b)) > 0) { sha.update(b.subarray(0, n)); total += n; } return total; };"

TEST_CASE("http downloads a file from the host through the emulator's network", "[http]")
{
	dt_net_up();
	char expected[128], sha[65];
	blob_sha256(sha);
	snprintf(expected, sizeof(expected), "200,100000,100000,%s,true", sha);
	dt_expect(expected, READ_ALL
		"const h = new Http('%s/blob.bin'); const status = h.open(); const length = h.length();"
		"const sha = new Sha256(); const got = drain(h, sha); const tag = h.etag(); h.close();"
		"[status, length, got, hex(sha.digest()), /^\"[^\"]+\"$/.test(tag)].join()",
		dt_net_base_url());
}

TEST_CASE("http resumes a broken download with Range and If-Range", "[http]")
{
	dt_net_up();
	char expected[160], sha[65];
	blob_sha256(sha);
	snprintf(expected, sizeof(expected), "40000,206,bytes 40000-99999/100000,60000,%s", sha);
	/* the first response breaks after 40000 bytes: the module throws
	   SOURCE_IO or SOURCE_TRUNCATED; the rest comes as a 206 from there */
	dt_expect(expected, READ_ALL
		"const h = new Http('%s/cut/blob.bin'); h.open(); const tag = h.etag(); const sha = new Sha256();"
		"const b = new Uint8Array(4096); let got = 0, n, code;"
		"try { while ((n = h.read(b)) > 0) { sha.update(b.subarray(0, n)); got += n; } } catch (e) { code = codeOf(e); }"
		"if (code !== 'SOURCE_IO' && code !== 'SOURCE_TRUNCATED') throw new Error('unexpected end: ' + code);"
		"const status = h.open(got, tag); const range = h.contentRange(); const rest = drain(h, sha); h.close();"
		"[got, status, range, rest, hex(sha.digest())].join()",
		dt_net_base_url());
}

TEST_CASE("http reports a server that ignores Range, a 404, redirects and a refused connection", "[http]")
{
	dt_net_up();
	const char *base = dt_net_base_url();
	dt_expect("200,100000", "const h = new Http('%s/norange/blob.bin'); const s = h.open(5000); const r = [s, h.length()].join(); h.close(); r", base);
	dt_expect("404", "const h = new Http('%s/missing.bin'); const s = h.open(); h.close(); s", base);
	dt_expect("200,100000", "const h = new Http('%s/redirect'); const s = h.open(); const r = [s, h.length()].join(); h.close(); r", base);
	dt_expect_code("SOURCE_REDIRECT_LOOP", "new Http('%s/loop', { maxRedirects: 3 }).open()", base);
	dt_expect_code("SOURCE_CONNECT", "new Http('http://10.0.2.2:1/blob.bin', { connectTimeoutMs: 3000 }).open()");
}
