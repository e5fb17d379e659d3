/** This tier downloads its bundle: no resources are built in (embedded mode is the host runtime's to test). */
export default class Resource {
  constructor(path: string) {
    throw new Error(`SOURCE_NOT_FOUND: no resource ${path} in the device tier's firmware`);
  }

  static exists(): boolean {
    return false;
  }
}
