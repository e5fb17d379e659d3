import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import send from 'send';
import type { Command } from '../command';
import { parseNumber } from '../command';
import { UsageError } from '../output';

export interface ServeOptions {
  dir: string;
  host: string;
  port: number;
  tlsCert?: string;
  tlsKey?: string;
  log: (line: string) => void;
}

/** A static server with Range support (the firmware resumes downloads with it). */
export function startServer(options: ServeOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    res.on('finish', () => {
      const range = req.headers.range ? ` range=${req.headers.range}` : '';
      options.log(`${req.method} ${req.url} ${res.statusCode}${range} ${res.getHeader('content-length') ?? '-'} B ${Date.now() - started} ms`);
    });
    send(req, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname), { root: options.dir, dotfiles: 'deny', index: false })
      .on('error', (err: { status?: number }) => { res.statusCode = err.status ?? 500; res.end(); })
      .pipe(res);
  };
  const server = options.tlsCert
    ? createHttps({ cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey!) }, handler)
    : createHttp(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const { port } = server.address() as AddressInfo;
      const scheme = options.tlsCert ? 'https' : 'http';
      resolve({
        url: `${scheme}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/`,
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}

export const serve: Command = {
  name: 'serve',
  summary: 'serve a bundle over HTTP(S) for development, with Range support',
  help: `Usage: reflasher serve <dir> [--host 127.0.0.1] [--port <n>] [--tls-cert <pem> --tls-key <pem>]

Serves the files of <dir> (a bundle) until interrupted, one log line per request.
Port 0 (the default) picks a free port; the URL is printed.

Examples:
  reflasher serve out/bundle --port 8080
  reflasher serve out/bundle --tls-cert server.pem --tls-key server.key`,
  options: { host: { type: 'string' }, port: { type: 'string' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(values, [dir], out) {
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${dir}: not a directory`, 'serve');
    const cert = values['tls-cert'] as string | undefined;
    const key = values['tls-key'] as string | undefined;
    if (!!cert !== !!key) throw new UsageError('--tls-cert and --tls-key go together', 'serve');
    const port = values.port ? parseNumber(values.port as string, '--port', 'serve') : 0;
    if (port > 65535) throw new UsageError(`--port ${port}: above 65535`, 'serve');
    const server = await startServer({
      dir, host: (values.host as string) ?? '127.0.0.1', port, tlsCert: cert, tlsKey: key,
      log: (line) => process.stderr.write(line + '\n'),
    });
    out.result({ ok: true, url: server.url, dir }, `serving ${dir} at ${server.url} (Ctrl-C stops)`);
    await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
    await server.close();
    return 0;
  },
};
