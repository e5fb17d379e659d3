// The HTTP server the device tier downloads from (HTTPS with `tls`): it
// listens on 127.0.0.1, which the emulated chip reaches as 10.0.2.2 through
// QEMU's user network.
//   /blob.bin          100000 pattern bytes (byte i = (i*31 + (i>>8)) & 255),
//                      strong ETag, Range and If-Range honoured
//   /cut/blob.bin      the same, but a whole-body response stops after 40000
//                      bytes (the connection is closed): a broken download
//   /norange/blob.bin  the same, Range ignored (always 200 with the whole body)
//   /redirect          302 to /blob.bin;  /loop: 302 to itself
//   /files/<name>      a file from `files` (name -> Buffer), Range honoured
import { createServer } from 'node:http';
import { createServer as createSecureServer } from 'node:https';

export const BLOB_SIZE = 100000;
const ETAG = '"blob-v1"';

export function pattern(offset, length) {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    const n = offset + i;
    out[i] = (n * 31 + (n >>> 8)) & 0xff;
  }
  return out;
}

function serve(req, res, body, etag, { honourRange = true, cutAt = 0 } = {}) {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const ifRange = req.headers['if-range'];
  const start = range && honourRange && (!ifRange || ifRange === etag) ? Number(range[1]) : 0;
  const headers = { 'Content-Type': 'application/octet-stream', ETag: etag, 'Accept-Ranges': honourRange ? 'bytes' : 'none' };
  if (start > 0) {
    if (start >= body.length) {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${body.length}` }).end();
      return;
    }
    res.writeHead(206, { ...headers, 'Content-Length': body.length - start,
      'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` });
    res.end(body.subarray(start));
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': body.length });
  if (cutAt > 0) {
    // Part of the body, then a clean close: the client sees it end short.
    res.write(body.subarray(0, cutAt), () => res.socket?.end());
    return;
  }
  res.end(body);
}

/** @param tls `{ key, cert, maxRecord? }` (PEM) to serve HTTPS */
export function startTestServer({ files = new Map(), tls = undefined } = {}) {
  const blob = pattern(0, BLOB_SIZE);
  const handle = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://device-tests');
    switch (url.pathname) {
      case '/blob.bin': return serve(req, res, blob, ETAG);
      case '/cut/blob.bin': return serve(req, res, blob, ETAG, { cutAt: 40000 });
      case '/norange/blob.bin': return serve(req, res, blob, ETAG, { honourRange: false });
      case '/redirect': res.writeHead(302, { Location: '/blob.bin', 'Content-Length': 0 }).end(); return;
      case '/loop': res.writeHead(302, { Location: '/loop', 'Content-Length': 0 }).end(); return;
      default: {
        const name = url.pathname.startsWith('/files/') ? url.pathname.slice(7) : null;
        const file = name !== null ? files.get(name) : undefined;
        if (file) return serve(req, res, file, `"${name}-${file.length}"`);
        res.writeHead(404, { 'Content-Length': 0 }).end();
      }
    }
  };
  const server = tls ? createSecureServer({ key: tls.key, cert: tls.cert }, handle) : createServer(handle);
  if (tls?.maxRecord) {
    // TLS records of at most this many bytes (the client's receive buffer holds a whole record).
    server.on('secureConnection', (socket) => socket.setMaxSendFragment(tls.maxRecord));
  }
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolvePromise({
        port,
        close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(() => done()); }),
      });
    });
  });
}
