/* The emulator's Ethernet (OpenCores MAC in QEMU, user-mode network). */
#ifndef DT_NET_H
#define DT_NET_H

#include <stdint.h>

/* Brings the interface up and waits for DHCP (asserts on failure). */
void dt_net_up(void);

/* http://10.0.2.2:<port> where run.mjs serves: the port is what it wrote
   into the testcfg partition ("port=<n>\n"). */
const char *dt_net_base_url(void);

#endif
