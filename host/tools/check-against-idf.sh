#!/usr/bin/env bash
# Compiles (syntax and types only) every native module's esp32 C file against
# a real ESP-IDF checkout's headers instead of host/idf/include, so a module
# that would not build for the device fails here. Reads an existing checkout;
# fetches nothing. Usage: host/tools/check-against-idf.sh <IDF_PATH> [target]
set -euo pipefail
idf=${1:?usage: check-against-idf.sh <IDF_PATH> [esp32|esp32c3|...]}
target=${2:-esp32}
root=$(cd "$(dirname "$0")/../.." && pwd)
xs=$root/node_modules/@agoric/xsnap/moddable/xs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The few sdkconfig values the modules and the headers they include read.
cat > "$work/sdkconfig.h" <<CFG
#define CONFIG_IDF_TARGET_${target^^} 1
#define CONFIG_IDF_TARGET "$target"
#define CONFIG_PARTITION_TABLE_OFFSET 0x8000
#define CONFIG_SPI_FLASH_DANGEROUS_WRITE_ALLOWED 1
#define CONFIG_LOG_DEFAULT_LEVEL 3
#define CONFIG_LOG_MAXIMUM_LEVEL 3
#define CONFIG_FREERTOS_HZ 100
CFG
# Every public include folder of the checkout, plus the target's own.
includes=()
while IFS= read -r dir; do includes+=("-I$dir"); done < <(find "$idf/components" -type d -name include -not -path '*/test*' -not -path '*/sim/*' -not -path '*/linux/*' | grep -v -E "/(esp32[a-z0-9]*)/include$" ; find "$idf/components" -type d -path "*/$target/include")
[ -d "$root/build/host/gen" ] || make -C "$root/host" -j2 >/dev/null
status=0
for file in "$root"/modules/*/esp32/*.c; do
  if gcc -fsyntax-only -DINCLUDE_XSPLATFORM -DXSPLATFORM='"host_xs.h"' -I"$root/host/xs" -I"$xs/includes" -I"$xs/platforms" -I"$xs/sources" \
      -I"$root/build/host/gen" -I"$work" "${includes[@]}" "$file" 2>"$work/err"; then
    echo "ok   ${file#$root/}"
  else
    echo "FAIL ${file#$root/}"; grep -m5 error "$work/err" || true; status=1
  fi
done
exit $status
