# xs-reflasher: the build rules of `mcconfig -m -p x-cli-lin` (the manifest's
# MAKE_FRAGMENT, used instead of the SDK's make.x-cli-lin.mk).
#
# mcconfig writes the variables above this file (MODULES, PRELOADS, STRIPS,
# CREATION, OBJECTS, TMP_DIR, BIN_DIR, LIB_DIR, XS_DIR, MAIN_DIR...) and the
# per-module rules below it. This part adds what the SDK's fragment has no
# way to: the host ESP-IDF's include folders and the libraries it links
# (libcurl for esp_http_client, mbedTLS for PSA crypto and the table's MD5).
# Preloads and strip come from the manifests as for a device build, so the
# firmware runs here as frozen as on the chip.

PKGCONFIG = $(shell which pkg-config)

XS_DIRECTORIES = $(XS_DIR)/includes $(XS_DIR)/platforms $(XS_DIR)/sources
XS_HEADERS = $(XS_DIR)/platforms/lin_xs.h $(XS_DIR)/platforms/xsPlatform.h \
	$(XS_DIR)/includes/xs.h $(XS_DIR)/includes/xsmc.h \
	$(XS_DIR)/sources/xsCommon.h $(XS_DIR)/sources/xsAll.h $(XS_DIR)/sources/xsScript.h
# The engine: every source the SDK links for x-cli-lin.
XS_NAMES = lin_xs xsAll xsAPI xsArguments xsArray xsAtomics xsBigInt xsBoolean \
	xsCode xsCommon xsDataView xsDate xsDebug xsError xsFunction xsGenerator \
	xsGlobal xsJSON xsLexical xsMapSet xsMarshall xsMath xsMemory xsModule \
	xsNumber xsObject xsPlatforms xsPromise xsProperty xsProxy xsRegExp xsRun \
	xsScope xsScript xsSourceMap xsString xsSymbol xsSyntaxical xsTree xsType \
	xsdtoa xsmc xsre
XS_OBJECTS = $(foreach name,$(XS_NAMES),$(LIB_DIR)/$(name).c.o)

HOST_DIRECTORIES = $(MAIN_DIR)/host/idf/include $(MAIN_DIR)/host/idf \
	$(MAIN_DIR)/host/sim $(MAIN_DIR)/host/runner \
	$(MODDABLE)/modules/base/timer $(MODDABLE)/modules/base/instrumentation

C_DEFINES = -DXS_ARCHIVE=1 -DINCLUDE_XSPLATFORM=1 -DXSPLATFORM=\"lin_xs.h\" \
	-DmxStringInfoCacheLength=4
C_INCLUDES += $(DIRECTORIES)
C_INCLUDES += $(foreach dir,$(XS_DIRECTORIES) $(HOST_DIRECTORIES) $(TMP_DIR),-I$(dir))
C_FLAGS = -fPIC -c $(shell $(PKGCONFIG) --cflags gio-2.0) -Wno-misleading-indentation -Wno-implicit-fallthrough
ifeq ($(DEBUG),)
	C_FLAGS += -D_RELEASE=1 -O2
else
	C_FLAGS += -D_DEBUG=1 -DmxDebug=1 -g -O0
endif
LIBRARIES = -lcurl -lmbedtls -lmbedx509 -lmbedcrypto -lm $(shell $(PKGCONFIG) --libs gio-2.0) -latomic -lpthread -ldl

VPATH += $(XS_DIRECTORIES)

.PHONY: all build clean
all: build
build: $(LIB_DIR) $(BIN_DIR)/$(NAME)

clean:
	-rm -rf $(BIN_DIR)/$(NAME) $(TMP_DIR)

$(LIB_DIR):
	mkdir -p $(LIB_DIR)

$(BIN_DIR)/$(NAME): $(XS_OBJECTS) $(TMP_DIR)/mc.xs.c.o $(OBJECTS)
	@echo "# cc" $(@F)
	$(CC) -fPIC $(XS_OBJECTS) $(TMP_DIR)/mc.xs.c.o $(OBJECTS) $(LIBRARIES) -o $@

$(XS_OBJECTS): $(XS_HEADERS) | $(LIB_DIR)
$(LIB_DIR)/%.c.o: %.c
	@echo "# cc" $(<F)
	$(CC) $(C_DEFINES) $(C_INCLUDES) $(C_FLAGS) $< -o $@

$(TMP_DIR)/mc.xs.c.o: $(TMP_DIR)/mc.xs.c $(HEADERS)
	@echo "# cc" $(<F)
	$(CC) $(C_DEFINES) $(C_INCLUDES) $(C_FLAGS) $< -o $@

$(TMP_DIR)/mc.xs.c: $(MODULES) $(MANIFEST)
	@echo "# xsl modules"
	xsl -b $(MODULES_DIR) -o $(TMP_DIR) $(PRELOADS) $(STRIPS) $(CREATION) $(MODULES)

MAKEFLAGS += --jobs
ifneq ($(VERBOSE),1)
MAKEFLAGS += --silent
endif
