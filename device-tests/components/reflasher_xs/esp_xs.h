/*
 * XS platform header for the device tier (passed to the XS sources as
 * XSPLATFORM): ESP-IDF on an ESP32-C3, 32-bit RISC-V, little endian, no
 * threads. RISC-V here has neither atomics nor misaligned access, as
 * Moddable's own esp platform says (xs/platforms/esp/xsPlatform.h). The
 * machine's fields are those the shared layer needs (host/xs/host_xs_machine.h).
 */
#ifndef ESP_XS_H
#define ESP_XS_H

#undef mxLittleEndian
#define mxLittleEndian 1
#define mxExport extern
#define mxImport extern
#define XS_FUNCTION_NORETURN __attribute__((noreturn))

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#define mxUnalignedAccess 0
#define mxMisalignedSettersCrash 1

/* Files are never opened: the tier runs scripts and binaries from memory. */
#include "host_xs_machine.h"

#endif /* ESP_XS_H */
