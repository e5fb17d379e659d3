/**
 * A loopback HTTP(S) server that serves images and misbehaves on request.
 * The first path segment picks the behaviour, the last names the image:
 *
 *   /img/<name>            200, or 206 for a Range request (ETag, Accept-Ranges)
 *   /norange/<name>        200 with the whole body, whatever Range says
 *   /status/<code>         that status, a short text body
 *   /redirect/<n>/<name>   n hops of 302, then /img/<name>
 *   /loop/<name>           302 to itself, forever
 *   /goto/<url>            302 to the URL-encoded absolute <url> (another origin)
 *   /short/<name>          announces the full length, sends half, closes (FIN)
 *   /reset/<name>          sends half then resets the connection; a Range
 *                          request is served normally (resume works)
 *   /reset-norange/<name>  resets mid-body, and ignores Range (resume refused)
 *   /stall/<name>          sends half, then nothing, the connection left open
 *   /chunked/<name>        Transfer-Encoding: chunked, 1000-byte chunks
 *
 * Every request is logged (path, Range header, status) so tests can assert
 * what the client asked for.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { makeTestPki, type TestPki } from './certs';

export interface RequestLog {
  path: string;
  range: string | undefined;
  ifRange: string | undefined;
  status: number;
}

export interface FaultServer {
  /** `http://127.0.0.1:port` or `https://127.0.0.1:port`. */
  origin: string;
  log: RequestLog[];
  close(): Promise<void>;
}

export interface FaultServerOptions {
  images: Map<string, Uint8Array>;
  tls?: { key: string; cert: string };
}

function etagOf(body: Uint8Array): string {
  return '"' + createHash('sha256').update(body).digest('hex').slice(0, 16) + '"';
}

/** `bytes=N-` or `bytes=N-M` against a body of `size` bytes; undefined when absent or unusable. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const m = header ? /^bytes=(\d+)-(\d*)$/.exec(header) : null;
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
  return { start, end };
}

export async function startFaultServer(options: FaultServerOptions): Promise<FaultServer> {
  const log: RequestLog[] = [];
  const sockets = new Set<Socket>();

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const parts = (req.url ?? '/').split('?')[0]!.split('/').filter(Boolean);
    const mode = parts[0] ?? '';
    const name = parts[parts.length - 1] ?? '';
    const body = options.images.get(name);
    const range = req.headers.range;
    const entry: RequestLog = { path: req.url ?? '', range, ifRange: req.headers['if-range'] as string | undefined, status: 0 };
    log.push(entry);
    const send = (status: number, headers: http.OutgoingHttpHeaders, data?: Uint8Array) => {
      entry.status = status;
      res.writeHead(status, headers);
      res.end(data);
    };

    if (mode === 'status') {
      send(Number(parts[1]), { 'Content-Type': 'text/plain', 'Content-Length': 6 }, Buffer.from('nope\r\n'));
      return;
    }
    if (mode === 'loop') {
      send(302, { Location: req.url, 'Content-Length': 0 });
      return;
    }
    if (mode === 'goto') {
      send(302, { Location: decodeURIComponent(parts[1] ?? ''), 'Content-Length': 0 });
      return;
    }
    if (mode === 'redirect') {
      const hops = Number(parts[1]);
      const next = hops > 1 ? `/redirect/${hops - 1}/${name}` : `/img/${name}`;
      send(302, { Location: next, 'Content-Length': 0 });
      return;
    }
    if (!body) {
      send(404, { 'Content-Type': 'text/plain', 'Content-Length': 10 }, Buffer.from('not found\n'));
      return;
    }

    const honoursRange = mode === 'img' || mode === 'reset';
    const wanted = honoursRange ? parseRange(range, body.length) : undefined;
    const etag = etagOf(body);
    const ifRange = req.headers['if-range'];
    if (wanted && (!ifRange || ifRange === etag)) {
      if (wanted.start >= body.length) {
        send(416, { 'Content-Range': `bytes */${body.length}`, 'Content-Length': 0 });
        return;
      }
      send(206, {
        'Content-Range': `bytes ${wanted.start}-${wanted.end}/${body.length}`,
        'Content-Length': wanted.end - wanted.start + 1,
        'Accept-Ranges': 'bytes',
        ETag: etag,
      }, body.subarray(wanted.start, wanted.end + 1));
      return;
    }

    const half = Math.floor(body.length / 2);
    const headers: http.OutgoingHttpHeaders = { 'Content-Length': body.length, ETag: etag };
    if (honoursRange) headers['Accept-Ranges'] = 'bytes';
    switch (mode) {
      case 'img':
      case 'norange':
        send(200, headers, body);
        return;
      case 'chunked': {
        entry.status = 200;
        res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
        for (let i = 0; i < body.length; i += 1000) res.write(body.subarray(i, i + 1000));
        res.end();
        return;
      }
      case 'short':
      case 'reset':
      case 'reset-norange':
      case 'stall': {
        entry.status = 200;
        res.writeHead(200, headers);
        res.flushHeaders();
        res.write(body.subarray(0, half), () => {
          // let the bytes reach the client before the fault
          setTimeout(() => {
            if (mode === 'short') req.socket.end();
            else if (mode === 'stall') return;
            else req.socket.resetAndDestroy();
          }, 50);
        });
        return;
      }
      default:
        send(404, { 'Content-Length': 0 });
    }
  };

  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    log,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/**
 * A loopback server that accepts connections and never sends a byte: a TLS
 * handshake or an HTTP response that never comes.
 */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const { createServer } = await import('node:net');
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** A loopback port with nothing listening: connecting to it is refused. */
export async function refusedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The servers the network tests share, all serving `images`: plain HTTP, HTTPS
 *  from the test CA, and HTTPS from a CA the client does not trust. */
export interface ServerSet {
  pki: TestPki;
  plain: FaultServer;
  secure: FaultServer;
  rogue: FaultServer;
  close(): Promise<void>;
}

export async function startServerSet(images: Map<string, Uint8Array>): Promise<ServerSet> {
  const pki = makeTestPki();
  const plain = await startFaultServer({ images });
  const secure = await startFaultServer({ images, tls: { key: pki.serverKey, cert: pki.serverCert } });
  const rogue = await startFaultServer({ images, tls: { key: pki.rogueKey, cert: pki.rogueCert } });
  return {
    pki, plain, secure, rogue,
    close: async () => {
      await Promise.all([plain.close(), secure.close(), rogue.close()]);
      pki.dispose();
    },
  };
}
