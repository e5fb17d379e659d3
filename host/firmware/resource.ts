/**
 * Moddable's `Resource` for the host bundle (esbuild aliases the specifier
 * "Resource" here): the files the runner was given with --resource
 * name=path, as read-only host buffers. Same API as the SDK's
 * modules/files/resource.
 */
export default class Resource extends Native('xs_resource_destructor') {
  constructor(path: string) {
    super();
    native('xs_resource_constructor').call(this, path);
  }

  static exists(path: string): boolean {
    return native('xs_resource_exists').call(undefined, path);
  }

  get byteLength(): number {
    return native('xs_resource_get_byteLength').call(this);
  }

  /** A copy of bytes [begin, end). */
  slice(begin: number, end?: number): ArrayBuffer {
    return native('xs_resource_slice').call(this, begin, end);
  }
}
