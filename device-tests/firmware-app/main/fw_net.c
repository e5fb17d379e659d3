#include "fw_net.h"

#include "esp_eth.h"
#include "esp_eth_mac_openeth.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "freertos/FreeRTOS.h"
#include "freertos/event_groups.h"

static const char *TAG = "fw_net";
static EventGroupHandle_t fw_net_events;
#define FW_NET_GOT_IP BIT0

static void fw_net_on_ip(void *arg, esp_event_base_t base, int32_t id, void *data)
{
	ip_event_got_ip_t *event = data;
	ESP_LOGI(TAG, "got " IPSTR, IP2STR(&event->ip_info.ip));
	xEventGroupSetBits(fw_net_events, FW_NET_GOT_IP);
}

bool fw_net_up(int timeout_ms)
{
	fw_net_events = xEventGroupCreate();
	ESP_ERROR_CHECK(esp_netif_init());
	ESP_ERROR_CHECK(esp_event_loop_create_default());
	esp_netif_config_t netif_config = ESP_NETIF_DEFAULT_ETH();
	esp_netif_t *netif = esp_netif_new(&netif_config);
	eth_mac_config_t mac_config = ETH_MAC_DEFAULT_CONFIG();
	eth_phy_config_t phy_config = ETH_PHY_DEFAULT_CONFIG();
	phy_config.phy_addr = 1;              /* QEMU opencores_eth: its PHY sits at address 1 */
	phy_config.autonego_timeout_ms = 100; /* and answers at once */
	esp_eth_config_t config = ETH_DEFAULT_CONFIG(esp_eth_mac_new_openeth(&mac_config), esp_eth_phy_new_generic(&phy_config));
	esp_eth_handle_t eth = NULL;
	ESP_ERROR_CHECK(esp_eth_driver_install(&config, &eth));
	ESP_ERROR_CHECK(esp_netif_attach(netif, esp_eth_new_netif_glue(eth)));
	ESP_ERROR_CHECK(esp_event_handler_register(IP_EVENT, IP_EVENT_ETH_GOT_IP, fw_net_on_ip, NULL));
	ESP_ERROR_CHECK(esp_eth_start(eth));
	return xEventGroupWaitBits(fw_net_events, FW_NET_GOT_IP, pdFALSE, pdTRUE, pdMS_TO_TICKS(timeout_ms)) & FW_NET_GOT_IP;
}
