import { isErased, isErasedWords, nextRun, sameBytes, sameWords, streamingEraseLength } from '../../src/core/sector-diff';

describe('nextRun', () => {
  const runs = (flags: boolean[]) => {
    const out: Array<[number, number]> = [];
    const asked: number[] = [];
    const changed = (i: number) => { asked.push(i); return flags[i]; };
    for (let r = nextRun(0, flags.length, changed); r; r = nextRun(r.resume, flags.length, changed)) out.push([r.first, r.end]);
    return { out, asked };
  };

  test('merges adjacent changed sectors into runs', () => {
    // sectors 0..7 with 2, 3, 4 and 6 changed
    const { out } = runs([false, false, true, true, true, false, true, false]);
    expect(out).toEqual([[2, 5], [6, 7]]);
  });

  test('asks about each sector once, in order', () => {
    const { asked } = runs([true, false, true, true]);
    expect(asked).toEqual([0, 1, 2, 3]);
  });

  test('no change, all change', () => {
    expect(runs([false, false]).out).toEqual([]);
    expect(runs([true, true, true]).out).toEqual([[0, 3]]);
  });
});

describe('byte comparisons', () => {
  test('sameBytes looks at the first length bytes only', () => {
    expect(sameBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4), 2)).toBe(true);
    expect(sameBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4), 3)).toBe(false);
  });
  test('sameWords and isErasedWords look at every word', () => {
    const a = new Uint32Array(1024).fill(0xffffffff);
    const b = a.slice();
    expect(sameWords(a, b)).toBe(true);
    expect(isErasedWords(a)).toBe(true);
    b[1023] = 0xfffffffe;
    expect(sameWords(a, b)).toBe(false);
    expect(isErasedWords(b)).toBe(false);
  });
  test('isErased', () => {
    expect(isErased(new Uint8Array(16).fill(0xff), 16)).toBe(true);
    expect(isErased(Uint8Array.of(0xff, 0xfe), 2)).toBe(false);
    expect(isErased(Uint8Array.of(0xff, 0xfe), 1)).toBe(true);
  });
});

describe('streamingEraseLength', () => {
  test('a block when a run is under way at a 64 KiB boundary with the block inside the image', () => {
    expect(streamingEraseLength(0x20000, 0x40000, true)).toBe(0x10000);
  });
  test('a sector otherwise', () => {
    expect(streamingEraseLength(0x20000, 0x40000, false)).toBe(0x1000);
    expect(streamingEraseLength(0x21000, 0x40000, true)).toBe(0x1000);
    expect(streamingEraseLength(0x20000, 0x2f000, true)).toBe(0x1000);
  });
});
