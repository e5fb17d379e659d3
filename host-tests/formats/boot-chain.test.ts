import { modelBoot } from '../../src/core/boot-chain/model';
import { surveyFlash } from '../../src/core/boot-chain/survey';
import { bootloaderRegionSize } from '../../src/core/formats/chips';
import { arrayReader } from '../../src/core/formats/bytes';
import { buildMcubootImage } from '../../src/core/formats/mcuboot';
import { buildOtadata, OtaState } from '../../src/core/formats/otadata';
import { nodeCrypto } from './node-crypto';
import { MB, TWO_OTA, makeFlash, p } from './fixtures';

const crypto = nodeCrypto;
const boot = (flash: Uint8Array, chip = 'esp32', extra: Partial<Parameters<typeof modelBoot>[0]> = {}) =>
  modelBoot({ read: arrayReader(flash), flashSize: flash.length, chip, crypto, ...extra });

describe('boot-chain model, ESP-IDF', () => {
  test('blank otadata boots factory', () => {
    const r = boot(makeFlash({ apps: ['factory', 'ota_0'] }));
    expect(r.boots).toBe(true);
    expect(r.image).toMatchObject({ label: 'factory', fallback: false, projectName: 'factory' });
    expect(r.steps.map((s) => [s.stage, s.ok])).toEqual([['rom', true], ['bootloader', true], ['partition-table', true], ['otadata', true], ['app', true]]);
    expect(r.modelled.length).toBeGreaterThan(0);
    expect(r.notModelled.join(' ')).toMatch(/secure boot/);
  });

  test('otadata selects the OTA slot', () => {
    expect(boot(makeFlash({ apps: ['factory', 'ota_0', 'ota_1'], otadataSlot: 1 })).image!.label).toBe('ota_1');
    expect(boot(makeFlash({ apps: ['factory', 'ota_0', 'ota_1'], otadataSlot: 2 })).image!.label).toBe('ota_0');
  });

  test('an invalid selected slot falls back down to factory, then up through the OTA slots', () => {
    const down = boot(makeFlash({ apps: ['factory', 'ota_1'], otadataSlot: 0 }));
    expect(down.image).toMatchObject({ label: 'factory', fallback: true, selected: 'ota index 0' });
    const up = boot(makeFlash({ apps: ['ota_1'], otadataSlot: 0 }));
    expect(up.image).toMatchObject({ label: 'ota_1', fallback: true });
    expect(up.steps.filter((s) => s.stage === 'app').map((s) => s.code)).toEqual(['IMAGE_BAD_MAGIC', 'IMAGE_BAD_MAGIC', undefined]);
  });

  test('no factory and blank otadata: ota_0', () => {
    const table = TWO_OTA.filter((x) => x.label !== 'factory');
    expect(boot(makeFlash({ table, apps: ['ota_0', 'ota_1'] })).image!.label).toBe('ota_0');
  });

  test('otadata in ABORTED state is not used', () => {
    const flash = makeFlash({ apps: ['factory', 'ota_0', 'ota_1'] });
    flash.set(buildOtadata({ slot: 1, state: OtaState.aborted }), 0xd000);
    expect(boot(flash).image!.label).toBe('factory');
  });

  test('a table without otadata boots factory', () => {
    const table = [p('nvs', 1, 2, 0x9000, 0x6000), p('factory', 0, 0, 0x10000, MB)];
    expect(boot(makeFlash({ table, apps: ['factory'] })).image!.label).toBe('factory');
  });

  test('a corrupt bootloader bricks: nothing after the ROM step', () => {
    const flash = makeFlash({ apps: ['factory'] });
    flash[0x1000 + 100] ^= 1;
    const r = boot(flash);
    expect(r.boots).toBe(false);
    expect(r.steps.at(-1)).toMatchObject({ stage: 'bootloader', ok: false, code: 'IMAGE_CHECKSUM' });
  });

  test('an erased or corrupt partition table, or no valid app, does not boot', () => {
    const erased = makeFlash({ apps: ['factory'] });
    erased.fill(0xff, 0x8000, 0x9000);
    expect(boot(erased).steps.at(-1)).toMatchObject({ stage: 'partition-table', code: 'PTABLE_EMPTY' });
    const md5 = makeFlash({ apps: ['factory'] });
    md5[0x8000 + 5] ^= 1;
    expect(boot(md5).steps.at(-1)).toMatchObject({ code: 'PTABLE_MD5' });
    const none = boot(makeFlash({}));
    expect(none.boots).toBe(false);
    expect(none.image).toBeUndefined();
  });

  test('the chip decides the bootloader offset and the chip id check', () => {
    expect(boot(makeFlash({ chip: 'esp32c3', apps: ['factory'] }), 'esp32c3').image!.label).toBe('factory');
    const r = boot(makeFlash({ chip: 'esp32', apps: ['factory'] }), 'esp32s2');
    expect(r.steps.at(-1)).toMatchObject({ stage: 'bootloader', code: 'IMAGE_CHIP_MISMATCH' });
  });

  test('an app for another chip is skipped', () => {
    const flash = makeFlash({ apps: [] });
    const other = makeFlash({ chip: 'esp32c3', apps: ['factory'] });
    flash.set(other.subarray(0x10000, 0x20000), 0x10000);
    expect(boot(flash).boots).toBe(false);
  });

  test('an unknown chip is CONFIG_INVALID', () => {
    expect(() => boot(makeFlash(), 'esp8266')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('boot-chain model, MCUboot', () => {
  const slots = { primary: { address: 0x20000, size: 0x100000 }, secondary: { address: 0x120000, size: 0x100000 } };

  test('a valid image in the primary slot boots', () => {
    const flash = makeFlash();
    flash.set(buildMcubootImage({ crypto, bodySize: 20000, version: [2, 1, 0, 0] }), 0x20000);
    const r = boot(flash, 'esp32', { mcuboot: slots });
    expect(r.chain).toBe('mcuboot');
    expect(r.image).toMatchObject({ kind: 'mcuboot', address: 0x20000, version: '2.1.0+0' });
    expect(r.steps.find((s) => s.stage === 'mcuboot-secondary')).toMatchObject({ ok: false, code: 'MCUBOOT_BAD_MAGIC' });
    expect(r.notModelled.join(' ')).toMatch(/swap/);
  });

  test('an empty or corrupt primary slot does not boot', () => {
    expect(boot(makeFlash(), 'esp32', { mcuboot: slots }).boots).toBe(false);
    const flash = makeFlash();
    const img = buildMcubootImage({ crypto, bodySize: 20000 });
    img[500] ^= 1;
    flash.set(img, 0x20000);
    expect(boot(flash, 'esp32', { mcuboot: slots }).steps.at(-1)).toMatchObject({ code: 'MCUBOOT_HASH' });
  });
});

describe('flash survey', () => {
  test('each partition is described: valid app, erased app, corrupt app, MCUboot image, otadata, data', () => {
    const flash = makeFlash({ apps: ['factory', 'ota_0'], otadataSlot: 0 });
    flash[0x110000 + 200] ^= 1;
    flash.set(buildMcubootImage({ crypto, bodySize: 3000 }), 0x210000);
    const s = surveyFlash({ read: arrayReader(flash), flashSize: flash.length, chip: 'esp32', crypto });
    const by = (label: string) => s.partitions.find((x) => x.partition.label === label)!;
    expect(s.boot.image!.label).toBe('factory');
    expect(by('factory')).toMatchObject({ expected: 'app', ok: true, erased: false });
    expect(by('ota_0')).toMatchObject({ expected: 'app', ok: false, code: 'IMAGE_CHECKSUM' });
    expect(by('ota_1')).toMatchObject({ ok: true });
    expect(by('ota_1').summary).toMatch(/MCUboot/);
    expect(by('otadata')).toMatchObject({ expected: 'otadata', ok: true });
    expect(by('otadata').summary).toMatch(/seq 1/);
    expect(by('nvs')).toMatchObject({ expected: 'data', erased: true });
  });

  test('an erased app partition says so', () => {
    const s = surveyFlash({ read: arrayReader(makeFlash({ apps: ['factory'] })), flashSize: 4 * MB, chip: 'esp32', crypto });
    expect(s.partitions.find((x) => x.partition.label === 'ota_1')).toMatchObject({ erased: true, ok: false, summary: 'erased' });
  });
});

test('bootloader room per chip', () => {
  expect(bootloaderRegionSize('esp32')).toBe(0x7000);
  expect(bootloaderRegionSize('esp32c3')).toBe(0x8000);
  expect(bootloaderRegionSize('esp32p4', 0x10000)).toBe(0xe000);
});
