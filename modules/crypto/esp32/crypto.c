/*
 * SHA-256 (incremental), MD5 and ECDSA P-256 verification over the PSA
 * Crypto API. ESP-IDF v6.0 ships Mbed TLS 4.0, where PSA is the only
 * interface; the host runtime compiles this same file against Debian's
 * Mbed TLS 2.28, whose PSA subset covers every call made here.
 *
 * 2.28 and 4.0 differ in ways this file steers around: psa_key_id_t is used
 * (2.28's mbedtls_svc_key_id_t is the same type unless owner encoding is
 * configured), and the hash state lives on the C heap because accelerated
 * PSA drivers may keep pointers inside it. Both have psa_verify_message,
 * which hashes the message itself (checked on the host and in the device
 * tier).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xsmc.h"

#include "psa/crypto.h"

void xs_crypto_sha256_destructor(void *data)
{
    psa_hash_operation_t *op = data;
    if (op) {
        psa_hash_abort(op);
        free(op);
    }
}

static void init(xsMachine *the)
{
    psa_status_t status = psa_crypto_init(); /* cheap once it has succeeded */
    if (status != PSA_SUCCESS) {
        xsUnknownError("psa_crypto_init failed: %d", (int)status);
    }
}

/* new Sha256() */
void xs_crypto_sha256_constructor(xsMachine *the)
{
    init(the);
    psa_hash_operation_t *op = malloc(sizeof(psa_hash_operation_t));
    if (!op) {
        xsUnknownError("no memory for a SHA-256 state");
    }
    *op = (psa_hash_operation_t)PSA_HASH_OPERATION_INIT;
    xsmcSetHostData(xsThis, op);
    psa_status_t status = psa_hash_setup(op, PSA_ALG_SHA_256);
    if (status != PSA_SUCCESS) {
        xsUnknownError("psa_hash_setup(SHA-256) failed: %d", (int)status);
    }
}

static psa_hash_operation_t *liveHash(xsMachine *the)
{
    psa_hash_operation_t *op = xsmcGetHostDataValidate(xsThis, (void *)xs_crypto_sha256_destructor);
    if (!op) {
        xsUnknownError("SHA-256 used after digest()");
    }
    return op;
}

/* update(data: ArrayBuffer | TypedArray) */
void xs_crypto_sha256_update(xsMachine *the)
{
    psa_hash_operation_t *op = liveHash(the);
    void *data;
    xsUnsignedValue length;
    xsmcGetBufferReadable(xsArg(0), &data, &length);
    psa_status_t status = psa_hash_update(op, data, length);
    if (status != PSA_SUCCESS) {
        xsUnknownError("psa_hash_update(%u bytes) failed: %d", (unsigned)length, (int)status);
    }
}

/* digest(): ArrayBuffer of 32 bytes; the object is spent afterwards. */
void xs_crypto_sha256_digest(xsMachine *the)
{
    psa_hash_operation_t *op = liveHash(the);
    uint8_t hash[PSA_HASH_LENGTH(PSA_ALG_SHA_256)];
    size_t length = 0;
    psa_status_t status = psa_hash_finish(op, hash, sizeof(hash), &length);
    xsmcSetHostData(xsThis, NULL);
    xs_crypto_sha256_destructor(op);
    if (status != PSA_SUCCESS) {
        xsUnknownError("psa_hash_finish(SHA-256) failed: %d", (int)status);
    }
    xsmcSetArrayBuffer(xsResult, hash, (xsUnsignedValue)length);
}

/* md5(data): ArrayBuffer of 16 bytes (the partition table's checksum entry). */
void xs_crypto_md5(xsMachine *the)
{
    void *data;
    xsUnsignedValue length;
    xsmcGetBufferReadable(xsArg(0), &data, &length);
    init(the);
    uint8_t hash[PSA_HASH_LENGTH(PSA_ALG_MD5)];
    size_t hashLength = 0;
    psa_status_t status = psa_hash_compute(PSA_ALG_MD5, data, length, hash, sizeof(hash), &hashLength);
    if (status != PSA_SUCCESS) {
        xsUnknownError("psa_hash_compute(MD5) failed: %d (is CONFIG_MBEDTLS_MD5_C set?)", (int)status);
    }
    xsmcSetArrayBuffer(xsResult, hash, (xsUnsignedValue)hashLength);
}

/* verifyP256(publicKey 65 bytes 04||X||Y, message, signature 64 bytes r||s): boolean */
void xs_crypto_verify_p256(xsMachine *the)
{
    void *key;
    void *message;
    void *signature;
    xsUnsignedValue keyLength;
    xsUnsignedValue messageLength;
    xsUnsignedValue signatureLength;
    xsmcGetBufferReadable(xsArg(0), &key, &keyLength);
    xsmcGetBufferReadable(xsArg(1), &message, &messageLength);
    xsmcGetBufferReadable(xsArg(2), &signature, &signatureLength);
    if (keyLength != 65 || ((uint8_t *)key)[0] != 0x04) {
        xsUnknownError("CONFIG_INVALID: public key of %u bytes: expected 65, uncompressed (0x04 || X || Y)", (unsigned)keyLength);
    }
    if (signatureLength != 64) {
        xsmcSetBoolean(xsResult, 0); /* not r || s of P-256: it cannot verify */
        return;
    }
    init(the);

    psa_key_attributes_t attributes = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attributes, PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&attributes, 256);
    psa_set_key_usage_flags(&attributes, PSA_KEY_USAGE_VERIFY_MESSAGE);
    psa_set_key_algorithm(&attributes, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
    psa_key_id_t id = 0;
    psa_status_t status = psa_import_key(&attributes, key, keyLength, &id);
    psa_reset_key_attributes(&attributes);
    if (status != PSA_SUCCESS) {
        xsUnknownError("CONFIG_INVALID: public key is not a P-256 point: psa_import_key %d", (int)status);
    }
    /* PSA hashes the message with SHA-256 itself. */
    status = psa_verify_message(id, PSA_ALG_ECDSA(PSA_ALG_SHA_256), message, messageLength, signature, signatureLength);
    psa_destroy_key(id);
    if (status != PSA_SUCCESS && status != PSA_ERROR_INVALID_SIGNATURE) {
        xsUnknownError("psa_verify_message failed: %d", (int)status);
    }
    xsmcSetBoolean(xsResult, status == PSA_SUCCESS);
}
