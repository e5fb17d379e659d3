/*
 * XS platform header for the device tier (passed to the XS sources as
 * XSPLATFORM): ESP-IDF on an ESP32-C3, 32-bit RISC-V, little endian, no
 * threads. RISC-V here has neither atomics nor misaligned access, as
 * Moddable's own esp platform says (xs/platforms/esp/xsPlatform.h). The
 * machine carries what the shared run loop (host/xs/host_xs.c) needs.
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

#define mxMachinePlatform \
	void* waiterCondition; \
	void* waiterData; \
	void* waiterLink; \
	int promiseJobs; \
	void* timers; \
	void* stackBase; /* host_xs_limit_stack: the stack's allocation */ \
	int abortStatus;

/* What XS's own xsPlatforms.c provides well enough: files are never opened
   (the tier evaluates scripts from memory), keys and chunks come from the
   C heap. */
#define mxUseDefaultBuildKeys 1
#define mxUseDefaultChunkAllocation 1
#define mxUseDefaultSlotAllocation 1
#define mxUseDefaultFindModule 1
#define mxUseDefaultLoadModule 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1
#define mxUseDefaultDebug 1

#endif /* ESP_XS_H */
