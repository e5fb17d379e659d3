/*
 * Host-only access to the simulator's erase units, for tests of the units
 * esp_flash itself never issues (32 KiB blocks) and of unit alignment.
 * Not a device module: firmware code must not call it.
 */
#include "xsmc.h"
#include "nor_sim.h"

/* eraseUnit(address, unit): unit is 4096, 32768 or 65536. */
void xs_hostsim_erase_unit(xsMachine *the)
{
	uint32_t address = (uint32_t)xsmcToNumber(xsArg(0));
	uint32_t unit = (uint32_t)xsmcToNumber(xsArg(1));
	nor_status status = nor_erase(address, unit);
	if (status == NOR_ERR_ALIGN)
		xsRangeError("FLASH_ALIGN: erase unit 0x%x at 0x%08x: not a unit size or not aligned to it", unit, address);
	if (status == NOR_ERR_BOUNDS)
		xsRangeError("FLASH_BOUNDS: erase unit 0x%x at 0x%08x: outside the flash", unit, address);
}
