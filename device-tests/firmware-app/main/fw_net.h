/* The emulator's Ethernet (OpenCores MAC), up with a DHCP lease, or false. */
#ifndef FW_NET_H
#define FW_NET_H
#include <stdbool.h>
bool fw_net_up(int timeout_ms);
#endif
