/**
 * Moddable's plain-JS native binding forms. On the device, xsc resolves them
 * at compile time into host bindings; in the host runtime they are global
 * host functions that look the C callbacks up in a table.
 *
 *   class RawFlash extends Native("xs_rawflash_destructor") {
 *     erase(address: number, length: number): void {
 *       return native("xs_rawflash_erase").call(this, address, length);
 *     }
 *   }
 */
declare function Native(destructor: string): { new (): object };
declare function native(name: string): (this: unknown, ...args: any[]) => any;
