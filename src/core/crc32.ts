/**
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zlib and ESP-IDF's
 * esp_rom_crc32_le compute it. `crc32(bytes)` of "123456789" is 0xCBF43926.
 * `seed` continues a running CRC (pass the previous result).
 */
let table: Uint32Array | undefined;

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

export function crc32(bytes: Uint8Array, seed = 0): number {
  const t = (table ??= makeTable());
  let c = ~seed >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
