/*
 * A NOR flash chip backed by a file (mmap'd, so the file is the flash image
 * after the run, power cut or not).
 *
 * Semantics:
 * - erase sets one unit (4 KiB sector, 32 KiB or 64 KiB block) to 0xFF; the
 *   unit must be aligned to its size;
 * - program only clears bits (result = old & new); programming a byte that is
 *   not 0xFF with a value that is not 0xFF is a defect (a write over
 *   non-erased flash): counted, traced, and refused in strict mode;
 * - program is split at 256-byte page boundaries, one operation per page.
 *
 * Operations (ops) are erase units and page programs; reads are not ops.
 * Power cut after N ops: ops 1..N complete; op N+1 is torn and the run stops:
 *   torn erase of a unit of U bytes at A: [A, A + U/2) is 0xFF, the rest of
 *     the unit keeps its old bytes;
 *   torn page program of L bytes at A: [A, A + L/2) is programmed, the rest
 *     keeps its old bytes.
 *
 * Modelled device time (DESIGN.md §5, typical figures): page program 0.4 ms
 * per page touched, erase 45 / 120 / 150 ms per 4 / 32 / 64 KiB unit, read
 * 0.1 ms per KiB (40 MHz DIO, ESP-IDF's default SPI mode; an assumption).
 */
#ifndef NOR_SIM_H
#define NOR_SIM_H

#include <stdint.h>
#include <stdio.h>

#define NOR_SECTOR_SIZE 4096u
#define NOR_BLOCK32_SIZE 32768u
#define NOR_BLOCK64_SIZE 65536u
#define NOR_PAGE_SIZE 256u

#define NOR_MS_PAGE_PROGRAM 0.4
#define NOR_MS_ERASE_4K 45.0
#define NOR_MS_ERASE_32K 120.0
#define NOR_MS_ERASE_64K 150.0
#define NOR_MS_READ_PER_KIB 0.1

typedef enum {
	NOR_OK = 0,
	NOR_ERR_BOUNDS,      /* range leaves the flash */
	NOR_ERR_ALIGN,       /* erase unit not aligned, or not a unit size */
	NOR_ERR_NOT_ERASED,  /* strict mode: program over non-erased bytes */
} nor_status;

typedef struct {
	uint64_t erase4k, erase32k, erase64k;
	uint64_t page_programs;
	uint64_t bytes_written;  /* bytes passed to program */
	uint64_t bytes_read;
	uint64_t ops;            /* erase units + page programs completed */
	double modeled_ms;
	uint64_t defects;        /* program calls that hit non-erased bytes */
	uint64_t defect_bytes;
	uint32_t first_defect_address;
	int power_cut;           /* 1 once the cut happened */
} nor_counters;

typedef struct {
	const char *path;
	int strict;
	FILE *trace;              /* JSON lines, or NULL; nor_close closes it */
	int64_t power_cut_after;  /* N, or -1 for never */
	/* Called after the torn op, with the file synced; must not return
	   (nor_sim exits with status 3 if it does). */
	void (*on_power_cut)(void);
} nor_config;

/* Maps the file; its size is the flash size (a multiple of 64 KiB). Returns
   0, or -1 with a message in `error`. */
int nor_open(const nor_config *config, char *error, size_t error_size);
void nor_close(void);

uint32_t nor_size(void);
/* The whole flash, read-only, for code that reads as the device would
   through the cache (the partition table loader): not counted. */
const uint8_t *nor_data(void);
const nor_counters *nor_get_counters(void);

nor_status nor_read(uint32_t address, void *buffer, uint32_t length);
/* One unit: `unit` is 4096, 32768 or 65536 and `address` a multiple of it. */
nor_status nor_erase(uint32_t address, uint32_t unit);
nor_status nor_program(uint32_t address, const void *buffer, uint32_t length);

#endif
