/**
 * `mc/config` on x-cli-lin. mcconfig generates this module only for device
 * targets, so here the program's `--config key=value` flags are the config
 * (values are strings, as `mcconfig key=value` gives them on a device).
 * Not preloadable: it asks the C side at load time.
 */
const config: Record<string, string> = native('xs_cli_config')();
export default Object.freeze(config);
