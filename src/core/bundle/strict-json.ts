/**
 * A strict JSON reader for signed manifests. JSON.parse keeps the last of
 * repeated keys, so two readers of one signed manifest could disagree on
 * what it says; this one refuses repeats, and bounds nesting so hostile
 * input cannot exhaust the stack.
 */
import { ReflashError } from '../errors';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const MAX_DEPTH = 16;

function bad(at: number, what: string): never {
  throw new ReflashError('BUNDLE_JSON', `manifest JSON at character ${at}: ${what}: fix the manifest (or rebuild it with reflasher bundle)`, { at });
}

/** @throws ReflashError `BUNDLE_JSON` for any syntax error, a repeated key, or nesting deeper than 16. */
export function parseStrictJson(text: string): Json {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const value = (depth: number): Json => {
    if (depth > MAX_DEPTH) bad(i, `nesting deeper than ${MAX_DEPTH}`);
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: { [key: string]: Json } = Object.create(null);
      ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws();
        if (text[i] !== '"') bad(i, 'expected a "key"');
        const at = i;
        const key = string();
        if (Object.prototype.hasOwnProperty.call(obj, key)) bad(at, `key "${key}" appears twice`);
        ws();
        if (text[i] !== ':') bad(i, 'expected ":"');
        i++;
        obj[key] = value(depth + 1);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return obj; }
        bad(i, 'expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr: Json[] = [];
      ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return arr; }
        bad(i, 'expected "," or "]"');
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 40));
    if (!m) bad(i, c === undefined ? 'unexpected end' : `unexpected "${c}"`);
    i += m[0].length;
    return Number(m[0]);
  };
  const string = (): string => {
    i++;
    let s = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) bad(i, 'unterminated string');
      if (c === '"') { i++; return s; }
      if (c < ' ') bad(i, 'control character in a string');
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) { s += simple[e]; i += 2; continue; }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          s += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        bad(i, 'bad escape');
      }
      s += c;
      i++;
    }
  };
  const v = value(0);
  ws();
  if (i !== text.length) bad(i, 'text after the value');
  return v;
}
