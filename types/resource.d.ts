/**
 * Moddable's Resource: data built into the firmware image, memory-mapped
 * read-only. Usable wherever an ArrayBuffer is (`new Uint8Array(resource)`).
 * On the device it is the SDK's module; in the host bundle, host/firmware/resource.ts.
 */
declare module 'Resource' {
  export default class Resource extends ArrayBuffer {
    constructor(path: string);
    static exists(path: string): boolean;
  }
}
