/* The NOR flash simulator: see nor_sim.h for the semantics it promises. */
#include "nor_sim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
	uint8_t *data;
	uint32_t size;
	int fd;
	nor_config config;
	nor_counters counters;
} nor;

int nor_open(const nor_config *config, char *error, size_t error_size)
{
	struct stat st;
	memset(&nor, 0, sizeof(nor));
	nor.fd = -1;
	nor.config = *config;
	nor.fd = open(config->path, O_RDWR);
	if (nor.fd < 0) {
		snprintf(error, error_size, "cannot open flash file %s: %s", config->path, strerror(errno));
		return -1;
	}
	if (fstat(nor.fd, &st) < 0 || st.st_size <= 0 || st.st_size > 0x10000000 || st.st_size % NOR_BLOCK64_SIZE) {
		snprintf(error, error_size, "flash file %s: size %lld is not a multiple of 64 KiB up to 256 MiB; create it with e.g. truncate -s 4M and fill with 0xFF",
			config->path, (long long)st.st_size);
		close(nor.fd);
		return -1;
	}
	nor.size = (uint32_t)st.st_size;
	nor.data = mmap(NULL, nor.size, PROT_READ | PROT_WRITE, MAP_SHARED, nor.fd, 0);
	if (nor.data == MAP_FAILED) {
		snprintf(error, error_size, "cannot map flash file %s: %s", config->path, strerror(errno));
		close(nor.fd);
		nor.data = NULL;
		return -1;
	}
	return 0;
}

void nor_close(void)
{
	if (nor.data) {
		msync(nor.data, nor.size, MS_SYNC);
		munmap(nor.data, nor.size);
		nor.data = NULL;
	}
	if (nor.fd >= 0)
		close(nor.fd);
	nor.fd = -1;
	if (nor.config.trace)
		fclose(nor.config.trace); /* the simulator owns the trace from nor_open on */
	nor.config.trace = NULL;
}

uint32_t nor_size(void) { return nor.size; }
const uint8_t *nor_data(void) { return nor.data; }
const nor_counters *nor_get_counters(void) { return &nor.counters; }

static int nor_in_bounds(uint32_t address, uint32_t length)
{
	return address <= nor.size && length <= nor.size - address;
}

/* Called before each op: past the Nth, tear this one and stop the run. */
static int nor_cut_now(void)
{
	return nor.config.power_cut_after >= 0 && nor.counters.ops >= (uint64_t)nor.config.power_cut_after;
}

static void nor_power_cut(const char *during, uint32_t address, uint32_t length)
{
	nor.counters.power_cut = 1;
	if (nor.config.trace) {
		fprintf(nor.config.trace, "{\"op\":\"power-cut\",\"n\":%llu,\"during\":\"%s\",\"address\":%u,\"size\":%u,\"ms\":%.3f}\n",
			(unsigned long long)nor.counters.ops + 1, during, address, length, nor.counters.modeled_ms);
		fflush(nor.config.trace);
	}
	msync(nor.data, nor.size, MS_SYNC);
	if (nor.config.on_power_cut)
		nor.config.on_power_cut();
	_exit(3);
}

nor_status nor_read(uint32_t address, void *buffer, uint32_t length)
{
	if (!nor_in_bounds(address, length))
		return NOR_ERR_BOUNDS;
	memcpy(buffer, nor.data + address, length);
	nor.counters.bytes_read += length;
	nor.counters.modeled_ms += NOR_MS_READ_PER_KIB * ((double)length / 1024.0);
	if (nor.config.trace)
		fprintf(nor.config.trace, "{\"op\":\"read\",\"address\":%u,\"size\":%u,\"ms\":%.3f}\n",
			address, length, nor.counters.modeled_ms);
	return NOR_OK;
}

nor_status nor_erase(uint32_t address, uint32_t unit)
{
	double ms;
	if (unit == NOR_SECTOR_SIZE)
		ms = NOR_MS_ERASE_4K;
	else if (unit == NOR_BLOCK32_SIZE)
		ms = NOR_MS_ERASE_32K;
	else if (unit == NOR_BLOCK64_SIZE)
		ms = NOR_MS_ERASE_64K;
	else
		return NOR_ERR_ALIGN;
	if (address % unit)
		return NOR_ERR_ALIGN;
	if (!nor_in_bounds(address, unit))
		return NOR_ERR_BOUNDS;
	if (nor_cut_now()) {
		memset(nor.data + address, 0xFF, unit / 2);
		nor_power_cut("erase", address, unit);
	}
	memset(nor.data + address, 0xFF, unit);
	nor.counters.ops++;
	nor.counters.modeled_ms += ms;
	if (unit == NOR_SECTOR_SIZE)
		nor.counters.erase4k++;
	else if (unit == NOR_BLOCK32_SIZE)
		nor.counters.erase32k++;
	else
		nor.counters.erase64k++;
	if (nor.config.trace)
		fprintf(nor.config.trace, "{\"op\":\"erase\",\"address\":%u,\"size\":%u,\"n\":%llu,\"ms\":%.3f}\n",
			address, unit, (unsigned long long)nor.counters.ops, nor.counters.modeled_ms);
	return NOR_OK;
}

/* Bytes of [address, address + length) that are programmed and would be
   programmed again with a programmed value. */
static uint32_t nor_count_defects(uint32_t address, const uint8_t *source, uint32_t length)
{
	uint32_t i, count = 0;
	for (i = 0; i < length; i++) {
		if (nor.data[address + i] != 0xFF && source[i] != 0xFF)
			count++;
	}
	return count;
}

static void nor_program_bytes(uint32_t address, const uint8_t *source, uint32_t length)
{
	uint8_t *target = nor.data + address;
	uint32_t i;
	for (i = 0; i < length; i++)
		target[i] &= source[i];
}

nor_status nor_program(uint32_t address, const void *buffer, uint32_t length)
{
	const uint8_t *source = buffer;
	uint32_t done = 0, defects, pages = 0;
	if (!nor_in_bounds(address, length))
		return NOR_ERR_BOUNDS;
	defects = nor_count_defects(address, source, length);
	if (defects) {
		if (!nor.counters.defects)
			nor.counters.first_defect_address = address;
		nor.counters.defects++;
		nor.counters.defect_bytes += defects;
		if (nor.config.trace)
			fprintf(nor.config.trace, "{\"op\":\"defect\",\"address\":%u,\"size\":%u,\"bytes\":%u}\n", address, length, defects);
		if (nor.config.strict)
			return NOR_ERR_NOT_ERASED;
	}
	while (done < length) {
		uint32_t at = address + done;
		uint32_t piece = NOR_PAGE_SIZE - (at % NOR_PAGE_SIZE);
		if (piece > length - done)
			piece = length - done;
		if (nor_cut_now()) {
			nor_program_bytes(at, source + done, piece / 2);
			nor_power_cut("write", at, piece);
		}
		nor_program_bytes(at, source + done, piece);
		nor.counters.ops++;
		nor.counters.page_programs++;
		nor.counters.modeled_ms += NOR_MS_PAGE_PROGRAM;
		pages++;
		done += piece;
	}
	nor.counters.bytes_written += length;
	if (nor.config.trace && length)
		fprintf(nor.config.trace, "{\"op\":\"write\",\"address\":%u,\"size\":%u,\"pages\":%u,\"n\":%llu,\"ms\":%.3f}\n",
			address, length, pages, (unsigned long long)nor.counters.ops, nor.counters.modeled_ms);
	return NOR_OK;
}
