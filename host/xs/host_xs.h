/*
 * XS platform header for the host runtime (passed to the XS sources as
 * XSPLATFORM). Linux, little endian, threads and GCC atomics; the machine's
 * fields are those of host_xs_machine.h.
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

#include "host_xs_machine.h"

#if INTPTR_MAX == INT64_MAX
	#define mx32bitID 1
#endif

#endif /* HOST_XS_H */
