#include "dt_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unity.h"
#include "dt_common.h"
#include "esp_eth.h"
#include "esp_eth_mac_openeth.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "freertos/FreeRTOS.h"
#include "freertos/event_groups.h"

static const char *TAG = "dt_net";
static EventGroupHandle_t dt_net_events;
static char dt_net_url[48];
#define DT_NET_GOT_IP BIT0

static void dt_net_on_ip(void *arg, esp_event_base_t base, int32_t id, void *data)
{
	ip_event_got_ip_t *event = data;
	ESP_LOGI(TAG, "got " IPSTR, IP2STR(&event->ip_info.ip));
	xEventGroupSetBits(dt_net_events, DT_NET_GOT_IP);
}

void dt_net_up(void)
{
	if (dt_net_events) {
		return;
	}
	dt_net_events = xEventGroupCreate();
	TEST_ASSERT_EQUAL(ESP_OK, esp_netif_init());
	esp_err_t err = esp_event_loop_create_default();
	TEST_ASSERT_TRUE(err == ESP_OK || err == ESP_ERR_INVALID_STATE);
	esp_netif_config_t netif_config = ESP_NETIF_DEFAULT_ETH();
	esp_netif_t *netif = esp_netif_new(&netif_config);
	TEST_ASSERT_NOT_NULL(netif);

	eth_mac_config_t mac_config = ETH_MAC_DEFAULT_CONFIG();
	eth_phy_config_t phy_config = ETH_PHY_DEFAULT_CONFIG();
	phy_config.phy_addr = 1;               /* QEMU opencores_eth: its PHY sits at address 1 */
	phy_config.autonego_timeout_ms = 100;  /* and answers at once */
	esp_eth_mac_t *mac = esp_eth_mac_new_openeth(&mac_config);
	esp_eth_phy_t *phy = esp_eth_phy_new_generic(&phy_config);
	TEST_ASSERT_NOT_NULL(mac);
	TEST_ASSERT_NOT_NULL(phy);
	esp_eth_config_t config = ETH_DEFAULT_CONFIG(mac, phy);
	esp_eth_handle_t eth = NULL;
	TEST_ASSERT_EQUAL(ESP_OK, esp_eth_driver_install(&config, &eth));
	TEST_ASSERT_EQUAL(ESP_OK, esp_netif_attach(netif, esp_eth_new_netif_glue(eth)));
	TEST_ASSERT_EQUAL(ESP_OK, esp_event_handler_register(IP_EVENT, IP_EVENT_ETH_GOT_IP, dt_net_on_ip, NULL));
	TEST_ASSERT_EQUAL(ESP_OK, esp_eth_start(eth));
	EventBits_t bits = xEventGroupWaitBits(dt_net_events, DT_NET_GOT_IP, pdFALSE, pdTRUE, pdMS_TO_TICKS(20000));
	TEST_ASSERT_TRUE_MESSAGE(bits & DT_NET_GOT_IP, "no DHCP lease from QEMU's user network in 20 s");
}

const char *dt_net_base_url(void)
{
	if (!dt_net_url[0]) {
		const esp_partition_t *cfg = dt_partition(ESP_PARTITION_TYPE_DATA, 0x40, "testcfg");
		char text[32] = { 0 };
		TEST_ASSERT_EQUAL(ESP_OK, esp_partition_read(cfg, 0, text, sizeof(text) - 1));
		int port = 0;
		TEST_ASSERT_EQUAL_MESSAGE(1, sscanf(text, "port=%d", &port), "testcfg holds no port: run through device-tests/run.mjs");
		snprintf(dt_net_url, sizeof(dt_net_url), "http://10.0.2.2:%d", port);
	}
	return dt_net_url;
}
