/*
 * The firmware as compiled binaries (device-tests/tools/xs-compile.c: XS's
 * own compiler run on the host, code in XS's archive form). The chip never
 * parses: it links each piece's symbols to this machine's IDs once, stores
 * the linked code in a flash partition, maps it, and runs the pieces where
 * they lie. Moddable's xsl does the linking at build time and the firmware
 * preloads its code in flash; the XS in node_modules has no xsl, so this
 * tier links at boot, and RAM holds no code either way.
 */
#include <stdio.h>
#include <string.h>

#include "xsAll.h"
#include "dev_xs.h"
#include "dev_xs_private.h"

#include "esp_partition.h"

/* XS's own symbol remapping (xsRun.c), which xsAll.h does not declare. */
extern void fxRemapIDs(txMachine *the, txByte *codeBuffer, txSize codeSize, txID *theIDs);

static uint32_t dev_xs_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

typedef struct {
	const uint8_t *symbols;
	uint32_t symbols_size;
	const uint8_t *code;
	uint32_t code_size;
	uint32_t at; /* where its resolved code lies in the code area */
} dev_xs_piece;

/* Splits the binaries (xsc's atoms, device-tests/tools/xs-compile.c) into
   pieces; 0 and a reason in `out` when they are malformed or were compiled
   for another XS. */
static int dev_xs_split(const uint8_t *bytes, size_t size, dev_xs_piece **pieces, int *count, char *out, size_t out_size)
{
	const uint8_t *at = bytes, *end = bytes + size;
	int n = 0, capacity = 0;
	*pieces = NULL;
	for (;;) {
		if (end - at < 8) {
			snprintf(out, out_size, "xsb: no end mark at +%u", (unsigned)(at - bytes));
			return 0;
		}
		uint32_t binary_size = dev_xs_be32(at);
		if (binary_size == 0)
			break;
		if (binary_size < 8 || binary_size > (size_t)(end - at) || memcmp(at + 4, "XS_B", 4)) {
			snprintf(out, out_size, "xsb: no XS binary at +%u", (unsigned)(at - bytes));
			return 0;
		}
		dev_xs_piece piece = { 0 };
		int version_ok = 0;
		for (const uint8_t *atom = at + 8; atom < at + binary_size;) {
			uint32_t atom_size = dev_xs_be32(atom);
			if (atom_size < 8 || atom_size > (size_t)(at + binary_size - atom)) {
				snprintf(out, out_size, "xsb: atom at +%u overruns its binary", (unsigned)(atom - bytes));
				return 0;
			}
			if (!memcmp(atom + 4, "VERS", 4) && atom_size == 12)
				version_ok = atom[8] == XS_MAJOR_VERSION && atom[9] == XS_MINOR_VERSION && atom[10] == XS_PATCH_VERSION;
			else if (!memcmp(atom + 4, "SYMB", 4))
				piece.symbols = atom + 8, piece.symbols_size = atom_size - 8;
			else if (!memcmp(atom + 4, "CODE", 4))
				piece.code = atom + 8, piece.code_size = atom_size - 8;
			atom += atom_size;
		}
		if (!version_ok) {
			snprintf(out, out_size, "xsb: piece %d was compiled for another XS than %d.%d.%d: rebuild it with xs-compile",
				n, XS_MAJOR_VERSION, XS_MINOR_VERSION, XS_PATCH_VERSION);
			return 0;
		}
		if (!piece.symbols || piece.symbols_size < 2 || !piece.code) {
			snprintf(out, out_size, "xsb: piece %d has no %s atom", n, piece.code ? "SYMB" : "CODE");
			return 0;
		}
		if (n == capacity) {
			capacity = capacity ? 2 * capacity : 32;
			dev_xs_piece *grown = realloc(*pieces, capacity * sizeof(dev_xs_piece));
			if (!grown) {
				snprintf(out, out_size, "xsb: no memory for %d pieces", capacity);
				return 0;
			}
			*pieces = grown;
		}
		(*pieces)[n++] = piece;
		at += binary_size;
	}
	*count = n;
	return 1;
}

typedef struct {
	dev_xs_piece *pieces;
	int count;
	const esp_partition_t *area;
} dev_xs_link_job;

/* Resolves one piece's symbol indexes into this machine's IDs (XS's own
   fxRemapIDs, what fxRunScript does to a script) in a RAM copy, stores it in
   the code area at `at`, and reads it back. */
static void dev_xs_link_piece(xsMachine *the, dev_xs_piece *piece, const esp_partition_t *area, uint8_t *check)
{
	const uint8_t *p = piece->symbols;
	txID count = (txID)(p[0] | (p[1] << 8)); /* mxDecodeID, 16-bit IDs */
	p += 2;
	txID *ids = c_malloc(count * sizeof(txID));
	txByte *code = c_malloc(piece->code_size);
	if (!ids || !code) {
		c_free(ids);
		c_free(code);
		mxUnknownError("xsb: no memory to link %u bytes of code", (unsigned)piece->code_size);
	}
	ids[0] = XS_NO_ID;
	for (txID i = 1; i < count; i++) {
		if (p >= piece->symbols + piece->symbols_size) {
			c_free(ids);
			c_free(code);
			mxSyntaxError("xsb: the symbols end before symbol %u of %u", (unsigned)i, (unsigned)count);
		}
		ids[i] = fxNewNameC(the, (txString)p);
		p += c_strlen((const char *)p) + 1;
	}
	c_memcpy(code, piece->code, piece->code_size);
	fxRemapIDs(the, code, piece->code_size, ids);
	c_free(ids);
	esp_err_t err = esp_partition_write(area, piece->at, code, piece->code_size);
	for (uint32_t done = 0; err == ESP_OK && done < piece->code_size; done += 1024) {
		uint32_t n = piece->code_size - done < 1024 ? piece->code_size - done : 1024;
		err = esp_partition_read(area, piece->at + done, check, n);
		if (err == ESP_OK && memcmp(check, code + done, n))
			err = ESP_ERR_INVALID_CRC;
	}
	c_free(code);
	if (err != ESP_OK)
		mxUnknownError("xsb: storing code at %s+0x%x failed: %s", area->label, (unsigned)piece->at, esp_err_to_name(err));
}

static void dev_xs_link(xsMachine *the, void *data, char *out, size_t out_size)
{
	dev_xs_link_job *job = data;
	uint8_t *check = c_malloc(1024);
	if (!check)
		mxUnknownError("xsb: no memory");
	for (int i = 0; i < job->count; i++)
		dev_xs_link_piece(the, &job->pieces[i], job->area, check);
	c_free(check);
}

typedef struct {
	const uint8_t *code;
	uint32_t size;
} dev_xs_mapped;

/* A linked piece as a script without symbols: XS runs it where it lies and
   neither remaps nor frees it. */
static void dev_xs_run_mapped(xsMachine *the, void *data, char *out, size_t out_size)
{
	dev_xs_mapped *mapped = data;
	txScript script = { 0 };
	script.codeBuffer = (txS1 *)mapped->code;
	script.codeSize = (txSize)mapped->size;
	dev_xs_run_script(the, &script, out, out_size);
}

int dev_xs_run_binaries(xsMachine *the, const uint8_t *bytes, size_t size, const esp_partition_t *area, int *count, char *out, size_t out_size)
{
	dev_xs_piece *pieces = NULL;
	int n = 0;
	if (!dev_xs_split(bytes, size, &pieces, &n, out, out_size)) {
		free(pieces);
		return 0;
	}
	uint32_t total = 0;
	for (int i = 0; i < n; i++) {
		pieces[i].at = total;
		total += (pieces[i].code_size + 3) & ~3u;
	}
	uint32_t erase = (total + area->erase_size - 1) & ~(area->erase_size - 1);
	if (erase > area->size) {
		snprintf(out, out_size, "xsb: %u bytes of code do not fit the %u bytes of partition \"%s\"", (unsigned)total,
			(unsigned)area->size, area->label);
		free(pieces);
		return 0;
	}
	esp_err_t err = esp_partition_erase_range(area, 0, erase);
	if (err != ESP_OK) {
		snprintf(out, out_size, "xsb: erasing \"%s\" failed: %s", area->label, esp_err_to_name(err));
		free(pieces);
		return 0;
	}
	dev_xs_link_job job = { pieces, n, area };
	if (!dev_xs_guard(the, dev_xs_link, &job, out, out_size)) {
		free(pieces);
		return 0;
	}
	const void *mapped_area = NULL;
	esp_partition_mmap_handle_t handle;
	err = esp_partition_mmap(area, 0, erase, ESP_PARTITION_MMAP_DATA, &mapped_area, &handle);
	if (err != ESP_OK) {
		snprintf(out, out_size, "xsb: mapping \"%s\" failed: %s", area->label, esp_err_to_name(err));
		free(pieces);
		return 0;
	}
	/* Mapped for the machine's life: its functions and strings point into it. */
	for (int i = 0; i < n; i++) {
		dev_xs_mapped mapped = { (const uint8_t *)mapped_area + pieces[i].at, pieces[i].code_size };
		if (!dev_xs_guard(the, dev_xs_run_mapped, &mapped, out, out_size)) {
			char why[128];
			snprintf(why, sizeof(why), "%s", out);
			snprintf(out, out_size, "piece %d of %d threw: %s", i, n, why);
			free(pieces);
			return 0;
		}
	}
	*count = n;
	free(pieces);
	xsCollectGarbage();
	printf("dev_xs: loaded; XS holds %d of %d slots (%u B each), %d of %d B of chunks, %d of %d keys\n", (int)the->currentHeapCount, (int)the->maximumHeapCount,
		(unsigned)sizeof(txSlot), (int)the->currentChunksSize, (int)the->maximumChunksSize, (int)the->keyIndex, (int)the->keyCount);
	return 1;
}
