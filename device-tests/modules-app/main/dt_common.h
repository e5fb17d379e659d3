/*
 * Helpers shared by the tests: one XS machine with classes over the native
 * modules (bound the way the modules' TypeScript faces bind them), scripts
 * run from C strings, and assertions on their results and error codes.
 */
#ifndef DT_COMMON_H
#define DT_COMMON_H

#include <stdint.h>
#include "esp_partition.h"

#define DT_OUT_SIZE 512

/* Runs `js` (printf format) in the machine; asserts it completes and that
   String(result) equals `expected`. */
void dt_expect(const char *expected, const char *js, ...) __attribute__((format(printf, 2, 3)));

/* Runs `js`; asserts it throws an Error whose message starts with `code:`
   (the modules' stable codes, e.g. "FLASH_PROTECTED"). */
void dt_expect_code(const char *code, const char *js, ...) __attribute__((format(printf, 2, 3)));

/* Runs `js`; asserts it completes and copies String(result) into `out`. */
void dt_run(char *out, const char *js, ...) __attribute__((format(printf, 2, 3)));

/* A partition of the test table (partitions.csv), asserted present. */
const esp_partition_t *dt_partition(esp_partition_type_t type, esp_partition_subtype_t subtype, const char *label);

/* The bytes the host's HTTP server serves and the flash tests write:
   byte i is (i * 31 + (i >> 8)) & 0xFF. */
void dt_pattern(uint8_t *out, uint32_t offset, uint32_t length);

/* Lower-case hex of `length` bytes into `out` (2 * length + 1 chars). */
void dt_hex(char *out, const uint8_t *bytes, size_t length);

#endif
