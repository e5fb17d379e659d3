import Resource from 'Resource';
import { ReflashError } from '../core/errors';
import type { ByteSource } from '../core/ports';

/**
 * An image built into the firmware (Moddable resource) as a byte source.
 * The bytes are memory-mapped: reading copies from flash, nothing is
 * allocated per read.
 */
export function openResource(name: string, offset: number): ByteSource {
  if (!Resource.exists(name)) {
    throw new ReflashError('SOURCE_NOT_FOUND', `resource "${name}" is not in this firmware; add it to the manifest's resources (host: --resource ${name}=path)`, { resource: name });
  }
  const bytes = new Uint8Array(new Resource(name));
  if (offset > bytes.length) {
    throw new ReflashError('SOURCE_TRUNCATED', `resource "${name}" has ${bytes.length} bytes; cannot resume at ${offset}`, { resource: name, offset, length: bytes.length });
  }
  let position = offset;
  let open = true;
  return {
    length: bytes.length,
    // The running app holds the resource and is never a destination; its
    // flash address is not visible from JS, so no overlap can be checked here.
    flashRange: undefined,
    read(target: Uint8Array): Promise<number> {
      if (!open) return Promise.reject(new ReflashError('SOURCE_IO', `resource "${name}" read after close`));
      const count = Math.min(target.length, bytes.length - position);
      target.set(bytes.subarray(position, position + count));
      position += count;
      return Promise.resolve(count);
    },
    close(): void {
      open = false;
    },
  };
}
