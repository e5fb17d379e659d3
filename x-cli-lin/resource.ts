/**
 * `Resource` on x-cli-lin: the files given to x-cli-lin/main.c with
 * --resource name=path, as read-only host buffers (host/natives/resource.c),
 * where a device build has the SDK's resources memory-mapped from the app
 * image. Typed as the SDK types its Resource: a HostBuffer, usable wherever an
 * ArrayBuffer is (`new Uint8Array(resource)`).
 */
class Resource extends Native('xs_resource_destructor') {
  constructor(path: string) {
    super();
    native('xs_resource_constructor').call(this, path);
  }

  static exists(path: string): boolean {
    return native('xs_resource_exists').call(undefined, path);
  }
}
interface Resource extends HostBuffer {}

export default Resource;
