/**
 * HTTP(S) GET over ESP-IDF's esp_http_client, streaming the body into the
 * caller's buffer. One request object per image; `open()` may be called again
 * to resume from an offset.
 *
 * Failures throw an Error whose message starts with a stable code
 * (`SOURCE_CONNECT: ...`); `src/device/native-errors.ts` turns it into a
 * ReflashError. TypeError and RangeError are caller bugs.
 */
export interface HttpOptions {
  url: string;
  /** PEM of the CA that signs the server's certificate (https). */
  caCert?: string;
  /** Verify against ESP-IDF's certificate bundle (on the host: the system CA store). */
  certBundle?: boolean;
  /** Milliseconds to establish the connection (TCP and TLS). */
  connectTimeoutMs: number;
  /** Milliseconds any wait for response bytes may last. */
  readTimeoutMs: number;
  /** Redirects followed before `SOURCE_REDIRECT_LOOP`. */
  maxRedirects: number;
}

export default class Http extends Native('xs_http_destructor') {
  /**
   * Prepares the request; nothing is sent yet.
   * @throws Error `SOURCE_IO` when the URL is not http(s) or memory runs out.
   * @throws RangeError on a timeout <= 0 or maxRedirects < 0.
   */
  constructor(options: HttpOptions) {
    super();
    native('xs_http_constructor').call(this, options.url, options.caCert, options.certBundle === true,
      options.connectTimeoutMs, options.readTimeoutMs, options.maxRedirects);
  }

  /**
   * Sends the GET, from byte `offset` on (`Range: bytes=offset-`, with
   * `If-Range: ifRange` when given), follows redirects, and reads the headers.
   * Any previous response is dropped first.
   * @returns the final HTTP status; the caller judges it.
   * @throws Error `SOURCE_CONNECT` (refused, unreachable, connect timeout),
   *   `SOURCE_TLS` (certificate not signed by the CA, handshake),
   *   `SOURCE_TIMEOUT` (no response headers in time), `SOURCE_REDIRECT_LOOP`,
   *   `SOURCE_HTTP_STATUS` (a redirect without Location), `SOURCE_IO`.
   */
  open(offset: number, ifRange: string | undefined): number {
    return native('xs_http_open').call(this, offset, ifRange);
  }

  /** Content-Length of the response, or -1 when it has none (chunked). */
  length(): number {
    return native('xs_http_length').call(this);
  }

  /** The response's Content-Range header, if any. */
  contentRange(): string | undefined {
    return native('xs_http_content_range').call(this);
  }

  /** The response's ETag header, if any. */
  etag(): string | undefined {
    return native('xs_http_etag').call(this);
  }

  /**
   * Fills `target` from the body; blocks until it is full or the body ends.
   * @returns the count copied; 0 only at the complete end of the body.
   * @throws Error `SOURCE_TIMEOUT` (no byte for readTimeoutMs),
   *   `SOURCE_TRUNCATED` (the server ended the body early),
   *   `SOURCE_IO` (the connection broke).
   */
  read(target: Uint8Array): number {
    return native('xs_http_read').call(this, target);
  }

  /** Closes the connection and frees the client. Safe to call twice; the request is unusable after. */
  close(): void {
    native('xs_http_close').call(this);
  }
}
