/*
 * xs-compile: the device tier's script compiler. XS's own parser and code
 * generator (the sources @agoric/xsnap ships, built for the host with the
 * device's 16-bit symbol IDs), run on the host so the chip only loads
 * bytecode, as the real firmware does through mcconfig and xsc: XS's parser
 * needs about 40 bytes of heap per byte of source, far beyond an ESP32-C3.
 *
 *   xs-compile <pieces.js> <out.xsb>
 *
 * <pieces.js> holds NUL-separated scripts (build-bundle.mjs). <out.xsb> holds
 * one XS binary per piece, in order, in xsc's format: a big-endian size and
 * "XS_B", then the atoms VERS (XS's version, checked by the loader), SYMB
 * (the symbols the code names) and CODE (the bytecode); a zero size ends it.
 *
 * The code is in XS's archive form, as Moddable's linker leaves preloaded
 * code: functions and string literals are used where they lie instead of
 * being copied into the XS heap, so the code must stay in place (flash) for
 * the machine's life (device-tests/components/reflasher_xs/dev_xs.c).
 */
#include "xsScript.h"

#include <arpa/inet.h>
#include <errno.h>

/* The platform hooks XS's parser calls (a compiler has no machine). */
void fxAbort(void *console, int status)
{
	fprintf(stderr, "xs-compile: aborted (%d)\n", status);
	exit(1);
}

txID fxGenerateProfileID(void *console)
{
	return XS_NO_ID;
}

void fxGenerateTag(void *console, txString buffer, txInteger size, txString path)
{
	static txInteger tag = 0;
	snprintf(buffer, size, "#%d@%s", tag++, path ? path : "");
}

void fxVReport(void *console, txString format, c_va_list arguments)
{
	vfprintf(stderr, format, arguments);
}

void fxVReportError(void *console, txString path, txInteger line, txString format, c_va_list arguments)
{
	fprintf(stderr, "%s:%d: error: ", path ? path : "script", (int)line);
	vfprintf(stderr, format, arguments);
	fprintf(stderr, "\n");
}

void fxVReportWarning(void *console, txString path, txInteger line, txString format, c_va_list arguments)
{
	fprintf(stderr, "%s:%d: warning: ", path ? path : "script", (int)line);
	vfprintf(stderr, format, arguments);
	fprintf(stderr, "\n");
}

static void put_atom_header(FILE *out, size_t size, const char *type)
{
	uint32_t be = htonl((uint32_t)size);
	fwrite(&be, 4, 1, out);
	fwrite(type, 4, 1, out);
}

/* Rewrites the opcodes that copy a function's code or a string literal into
   the heap (CODE_n, STRING_n) into the ones that use it in place
   (CODE_ARCHIVE_n, STRING_ARCHIVE_n): same operands, same sizes. The walk is
   XS's own (fxRemapIDs): an opcode, then its operands by gxCodeSizes. */
static void archive_code(txByte *code, txSize size)
{
	txByte *p = code, *end = code + size;
	while (p < end) {
		txU1 *op = (txU1 *)p;
		if (*op >= XS_CODE_CODE_1 && *op <= XS_CODE_CODE_4)
			*op += XS_CODE_CODE_ARCHIVE_1 - XS_CODE_CODE_1;
		else if (*op >= XS_CODE_STRING_1 && *op <= XS_CODE_STRING_4)
			*op += XS_CODE_STRING_ARCHIVE_1 - XS_CODE_STRING_1;
		txS1 operands = gxCodeSizes[*op];
		if (operands > 0)
			p += operands;
		else if (operands == 0)
			p += 1 + sizeof(txID);
		else if (operands == -1)
			p += 2 + *((txU1 *)p + 1);
		else if (operands == -2) {
			txU2 length;
			p++;
			mxDecode2(p, length);
			p += length;
		} else {
			txS4 length;
			p++;
			mxDecode4(p, length);
			p += length;
		}
	}
}

/* One piece to one XS binary; 0 when it does not compile. */
static int compile_piece(const char *path, const char *text, FILE *out)
{
	txParser parser_;
	txParser *parser = &parser_;
	txParserJump jump;
	txScript *script = NULL;
	/* Read as xsc reads a file, through fgetc. */
	FILE *stream = fmemopen((void *)text, strlen(text), "r");
	if (!stream)
		return 0;
	fxInitializeParser(parser, NULL, 1024 * 1024, 1993);
	parser->firstJump = &jump;
	if (c_setjmp(jump.jmp_buf) == 0) {
		parser->origin = parser->path = fxNewParserSymbol(parser, (txString)path);
		fxParserTree(parser, stream, (txGetter)fgetc, mxProgramFlag, NULL);
		fxParserHoist(parser);
		fxParserBind(parser);
		script = fxParserCode(parser);
	}
	int ok = script && parser->errorCount == 0;
	fxTerminateParser(parser);
	fclose(stream);
	if (!ok) {
		fxDeleteScript(script);
		return 0;
	}
	if (script->hostsBuffer) {
		/* Host functions (@ syntax) would need the loader to bind them. */
		fprintf(stderr, "%s: error: host functions (@\"...\") are not supported here\n", path);
		fxDeleteScript(script);
		return 0;
	}
	archive_code(script->codeBuffer, script->codeSize);
	put_atom_header(out, 8 + (8 + 4) + (8 + script->symbolsSize) + (8 + script->codeSize), "XS_B");
	put_atom_header(out, 8 + 4, "VERS");
	const char version[4] = { XS_MAJOR_VERSION, XS_MINOR_VERSION, XS_PATCH_VERSION, 0 };
	fwrite(version, 4, 1, out);
	put_atom_header(out, 8 + script->symbolsSize, "SYMB");
	fwrite(script->symbolsBuffer, script->symbolsSize, 1, out);
	put_atom_header(out, 8 + script->codeSize, "CODE");
	fwrite(script->codeBuffer, script->codeSize, 1, out);
	fxDeleteScript(script);
	return 1;
}

static char *read_all(const char *path, size_t *size)
{
	FILE *in = fopen(path, "rb");
	if (!in)
		return NULL;
	fseek(in, 0, SEEK_END);
	long length = ftell(in);
	fseek(in, 0, SEEK_SET);
	char *text = malloc((size_t)length + 2);
	if (text && fread(text, 1, (size_t)length, in) == (size_t)length) {
		text[length] = text[length + 1] = 0; /* the last piece ends even without its NUL */
		*size = (size_t)length;
	} else {
		free(text);
		text = NULL;
	}
	fclose(in);
	return text;
}

int main(int argc, char *argv[])
{
	if (argc != 3) {
		fprintf(stderr, "usage: xs-compile <pieces.js> <out.xsb>\n");
		return 2;
	}
	size_t size = 0;
	char *text = read_all(argv[1], &size);
	if (!text) {
		fprintf(stderr, "xs-compile: cannot read %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	FILE *out = fopen(argv[2], "wb");
	if (!out) {
		fprintf(stderr, "xs-compile: cannot write %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	int pieces = 0;
	for (const char *piece = text; piece < text + size && *piece; piece += strlen(piece) + 1, pieces++) {
		char path[64];
		snprintf(path, sizeof(path), "piece-%d", pieces);
		if (!compile_piece(path, piece, out)) {
			fprintf(stderr, "xs-compile: piece %d of %s does not compile\n", pieces, argv[1]);
			fclose(out);
			remove(argv[2]);
			return 1;
		}
	}
	put_atom_header(out, 0, "\0\0\0\0");
	if (fclose(out) != 0) {
		fprintf(stderr, "xs-compile: cannot write %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	long bytes = 0;
	FILE *check = fopen(argv[2], "rb");
	if (check) {
		fseek(check, 0, SEEK_END);
		bytes = ftell(check);
		fclose(check);
	}
	printf("xs-compile: %d pieces, %zu bytes of source, %ld bytes of bytecode\n", pieces, size, bytes);
	return 0;
}
