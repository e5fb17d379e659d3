/*
 * Host stand-in for the sdkconfig.h the ESP-IDF build generates. Values the
 * runner chooses at start-up are variables, so module code written against
 * the macros compiles unchanged.
 */
#pragma once

#include <stdint.h>

extern uint32_t host_idf_partition_table_offset;

#define CONFIG_PARTITION_TABLE_OFFSET host_idf_partition_table_offset
#define CONFIG_SPI_FLASH_DANGEROUS_WRITE_ALLOWED 1
#define CONFIG_IDF_TARGET_LINUX 1
