/*
 * modules/crypto/esp32/crypto.c over ESP-IDF v6.0's PSA Crypto (TF-PSA-Crypto
 * with the ESP32-C3's SHA accelerator driver): known answers, incremental
 * hashing, and ECDSA P-256 verification.
 */
#include "unity.h"
#include "dt_common.h"

TEST_CASE("crypto SHA-256 and MD5 give the FIPS/RFC known answers", "[crypto]")
{
	dt_expect("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"const h = new Sha256(); h.update(Uint8Array.of(0x61, 0x62, 0x63)); hex(h.digest())");
	dt_expect("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "hex(new Sha256().digest())");
	/* one million 'a' in 1000 updates (FIPS 180-2 appendix B.3) */
	dt_expect("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
		"const h = new Sha256(); const a = new Uint8Array(1000).fill(0x61); for (let i = 0; i < 1000; i++) h.update(a); hex(h.digest())");
	dt_expect("900150983cd24fb0d6963f7d28e17f72", "hex(md5(Uint8Array.of(0x61, 0x62, 0x63)))");
}

TEST_CASE("crypto SHA-256 is the same whatever the update sizes", "[crypto]")
{
	dt_expect("true",
		"const data = pattern(0, 10007); const one = new Sha256(); one.update(data); const a = hex(one.digest());"
		"const many = new Sha256(); for (let at = 0, n = 1; at < data.length; at += n, n = n * 3 %% 509 + 1)"
		"  many.update(data.subarray(at, Math.min(data.length, at + n)));"
		"a === hex(many.digest())");
	dt_expect("spent", "const h = new Sha256(); h.digest(); try { h.digest(); 'reused' } catch { 'spent' }");
}

#define P256_KEY "04160870e217460aa7f6e2798253d04a29ccfd2cfe75c87c15d2da1a2985c2ddda3ae21b46954487c88253dd3695887ccf7d33e8c9adb4f77bad8ab7b810ec6d5e"
#define P256_SIG "3c6e8798bdb75289724f641888f0c847f8fcd1c9345e0e309ba273eba5d601bf3678b2a32b990a2fa8a846c5e5b71dbc3171226afc0bc2ec60b923cd20779967"
#define P256_MSG "xs-reflasher device tier: bundle manifest bytes"

TEST_CASE("crypto verifies ECDSA P-256 signatures and rejects altered ones", "[crypto]")
{
	/* signed with Node's crypto (ieee-p1363 r || s) when the test was written */
	const char *setup = "const key = unhex('" P256_KEY "'), sig = unhex('" P256_SIG "');"
		"const msg = Uint8Array.from('" P256_MSG "', (c) => c.charCodeAt(0));";
	dt_expect("true", "%s verifyP256(key, msg, sig)", setup);
	dt_expect("false", "%s msg[0] ^= 1; verifyP256(key, msg, sig)", setup);
	dt_expect("false", "%s sig[63] ^= 1; verifyP256(key, msg, sig)", setup);
	dt_expect("false", "%s verifyP256(key, msg, sig.subarray(0, 63))", setup);
	dt_expect_code("CONFIG_INVALID", "%s verifyP256(key.subarray(0, 64), msg, sig)", setup);
	dt_expect_code("CONFIG_INVALID", "%s key[64] ^= 1; verifyP256(key, msg, sig)", setup);
}
