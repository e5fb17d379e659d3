/*
 * XS platform header for the host runtime (passed to the XS sources as
 * XSPLATFORM). Linux, little endian; the machine carries the promise-job flag
 * and the timer list the run loop in host_xs.c needs.
 */
#ifndef HOST_XS_H
#define HOST_XS_H

#undef mxLittleEndian
#define mxLittleEndian 1
#undef mxLinux
#define mxLinux 1
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
#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#define mxUseGCCAtomics 1
#define mxUsePOSIXThreads 1

#define mxMachinePlatform \
	void* waiterCondition; \
	void* waiterData; \
	void* waiterLink; \
	int promiseJobs; \
	void* timers; \
	void* stackBase; /* host_xs_limit_stack: the stack's allocation */ \
	int abortStatus;

/* What XS's own xsPlatforms.c provides well enough for a host program. */
#define mxUseDefaultBuildKeys 1
#define mxUseDefaultChunkAllocation 1
#define mxUseDefaultSlotAllocation 1
#define mxUseDefaultFindModule 1
#define mxUseDefaultLoadModule 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1
#define mxUseDefaultDebug 1

#if INTPTR_MAX == INT64_MAX
	#define mx32bitID 1
#endif

#endif /* HOST_XS_H */
