/* Runs in the new second-stage bootloader, before its initialisation. */
#include "esp_rom_sys.h"

void bootloader_hooks_include(void)
{
}

void bootloader_before_init(void)
{
	esp_rom_printf("XS-REFLASHER NEW BOOTLOADER\n");
}
