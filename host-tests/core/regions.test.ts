import { alignDown, alignUp, contains, firstOverlap, isAligned, overlaps } from '../../src/core/regions';

describe('overlaps', () => {
  const r = (address: number, size: number) => ({ address, size });

  test('ranges sharing one byte overlap, in either order', () => {
    expect(overlaps(r(0x1000, 0x1000), r(0x1fff, 0x10))).toBe(true);
    expect(overlaps(r(0x1fff, 0x10), r(0x1000, 0x1000))).toBe(true);
  });

  test('containment is overlap, whichever range is the outer one', () => {
    // esp-self-reflasher checked only whether an end point of one lay in the other.
    expect(overlaps(r(0x10000, 0x100000), r(0x20000, 0x1000))).toBe(true);
    expect(overlaps(r(0x20000, 0x1000), r(0x10000, 0x100000))).toBe(true);
    expect(overlaps(r(0x20000, 0x1000), r(0x20000, 0x1000))).toBe(true);
  });

  test('touching ranges do not overlap', () => {
    expect(overlaps(r(0x1000, 0x1000), r(0x2000, 0x1000))).toBe(false);
    expect(overlaps(r(0x2000, 0x1000), r(0x1000, 0x1000))).toBe(false);
  });

  test('an empty range overlaps nothing', () => {
    expect(overlaps(r(0x1000, 0), r(0, 0x10000))).toBe(false);
  });

  test('firstOverlap finds the first overlapping range', () => {
    const list = [r(0, 0x1000), r(0x3000, 0x1000), r(0x4000, 0x1000)];
    expect(firstOverlap(r(0x1000, 0x3800), list)).toBe(list[1]);
    expect(firstOverlap(r(0x1000, 0x2000), list)).toBeUndefined();
  });

  test('contains', () => {
    expect(contains(r(0, 0x2000), r(0x1000, 0x1000))).toBe(true);
    expect(contains(r(0, 0x2000), r(0x1000, 0x1001))).toBe(false);
  });
});

describe('alignment', () => {
  test('alignUp/alignDown to 4 KiB', () => {
    expect(alignUp(5000, 4096)).toBe(8192);
    expect(alignUp(8192, 4096)).toBe(8192);
    expect(alignUp(0, 4096)).toBe(0);
    expect(alignDown(5000, 4096)).toBe(4096);
    expect(isAligned(0x9000, 4096)).toBe(true);
    expect(isAligned(0x9001, 4096)).toBe(false);
  });
});
