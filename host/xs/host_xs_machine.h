/*
 * What the shared XS platform layer (host_xs.c: the run loop, timers, the
 * stack limit) needs of every platform header that uses it: the host
 * runtime's (host_xs.h) and the device tier's
 * (device-tests/components/reflasher_xs/esp_xs.h). Included by them, after
 * their own C headers.
 */
#ifndef HOST_XS_MACHINE_H
#define HOST_XS_MACHINE_H

#define mxMachinePlatform \
	void* waiterCondition; \
	void* waiterData; \
	void* waiterLink; \
	int promiseJobs; \
	void* timers; \
	void* stackBase; /* host_xs_limit_stack: the stack's allocation */ \
	int abortStatus;

/* What XS's own xsPlatforms.c provides well enough: keys, chunks and slots
   from the C heap; scripts parsed by XS's parser. */
#define mxUseDefaultBuildKeys 1
#define mxUseDefaultChunkAllocation 1
#define mxUseDefaultSlotAllocation 1
#define mxUseDefaultFindModule 1
#define mxUseDefaultLoadModule 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1
#define mxUseDefaultDebug 1

#endif /* HOST_XS_MACHINE_H */
