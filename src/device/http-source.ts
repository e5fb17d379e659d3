import Http from '../../modules/http/http';
import { ReflashError, type ErrorCode } from '../core/errors';
import type { ByteSource, ImageSource, SourcePort } from '../core/ports';
import { callNative } from './native-errors';

export interface HttpSourceOptions {
  /** PEM of the CA that signs the image server's certificate. */
  caCert?: string;
  /** Trust ESP-IDF's certificate bundle (on the host runtime: the system CA store). */
  certBundle?: boolean;
  /** Default 10000. */
  connectTimeoutMs?: number;
  /** Longest wait for any response byte; default 10000. */
  readTimeoutMs?: number;
  /** Default 5; one more is `SOURCE_REDIRECT_LOOP`. */
  maxRedirects?: number;
  /** Resumes tried in a row, without a byte of progress between them, after the connection broke; default 3. */
  resumeAttempts?: number;
}

type Settings = Required<Omit<HttpSourceOptions, 'caCert'>> & { caCert: string | undefined };

/** Failures after which a `Range` request may fetch the rest. A stalled server is not retried. */
const RESUMABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['SOURCE_IO', 'SOURCE_TRUNCATED']);

/**
 * Image sources over HTTP(S) (the `http` native module): the body streams
 * into the engine's buffer, redirects are followed up to a limit, and a
 * transfer that breaks resumes with `Range` where the server supports it.
 */
export function createHttpSources(options: HttpSourceOptions = {}): SourcePort {
  const settings: Settings = {
    caCert: options.caCert,
    certBundle: options.certBundle ?? false,
    connectTimeoutMs: options.connectTimeoutMs ?? 10000,
    readTimeoutMs: options.readTimeoutMs ?? 10000,
    maxRedirects: options.maxRedirects ?? 5,
    resumeAttempts: options.resumeAttempts ?? 3,
  };
  return { open: (source, offset) => openHttp(source, offset, settings) };
}

async function openHttp(source: ImageSource, offset: number, settings: Settings): Promise<ByteSource> {
  if (!('url' in source)) {
    throw new ReflashError('JOB_INVALID', `resource "${source.resource}" is not an HTTP source: give it a url`);
  }
  if (!/^https?:\/\//i.test(source.url)) {
    throw new ReflashError('JOB_INVALID', `image URL "${source.url}": only http:// and https:// are supported`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`offset ${offset}: not a byte count`);
  const http = callNative(() => new Http({
    url: source.url,
    caCert: settings.caCert,
    certBundle: settings.certBundle,
    connectTimeoutMs: settings.connectTimeoutMs,
    readTimeoutMs: settings.readTimeoutMs,
    maxRedirects: settings.maxRedirects,
  }), source.url);
  try {
    const total = request(http, source.url, offset, undefined);
    return new HttpByteSource(http, source.url, offset, total, strongEtag(http.etag()), settings.resumeAttempts);
  } catch (e) {
    http.close();
    throw e;
  }
}

/** If-Range takes only a strong validator. */
function strongEtag(etag: string | undefined): string | undefined {
  return etag && !etag.startsWith('W/') ? etag : undefined;
}

/**
 * Sends the GET from `offset` and judges the answer.
 * @returns the whole image's size when the server tells it.
 */
function request(http: Http, url: string, offset: number, ifRange: string | undefined): number | undefined {
  const status = callNative(() => http.open(offset, ifRange), url);
  if (status === 200 && offset === 0) {
    const length = http.length();
    return length >= 0 ? length : undefined;
  }
  if (status === 200) {
    throw new ReflashError('SOURCE_RANGE_UNSUPPORTED',
      `${url} answered 200 with the whole body to "Range: bytes=${offset}-" (or the image changed); ` +
      'serve the image from a server that supports Range requests, or restart the download', { url, offset });
  }
  if (status === 206) return checkContentRange(http.contentRange(), url, offset);
  if (status === 404 || status === 410) {
    throw new ReflashError('SOURCE_NOT_FOUND', `${url} answered ${status}: check the image's URL`, { url, status });
  }
  throw new ReflashError('SOURCE_HTTP_STATUS',
    `${url} answered HTTP ${status}, expected 200${offset ? ' or 206' : ''}: check the server`, { url, status });
}

/** `bytes 1000-4193303/4194304` must start at `offset`; returns the total, if not `*`. */
function checkContentRange(header: string | undefined, url: string, offset: number): number | undefined {
  const m = header ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header) : null;
  if (!m || Number(m[1]) !== offset) {
    throw new ReflashError('SOURCE_RANGE_UNSUPPORTED',
      `${url} answered 206 with Content-Range "${header ?? ''}" to a request from byte ${offset}: ` +
      'serve the image from a server that honours Range requests', { url, offset });
  }
  return m[3] === '*' ? undefined : Number(m[3]);
}

class HttpByteSource implements ByteSource {
  readonly flashRange = undefined;
  /** The whole image's size, also when opened at an offset. */
  readonly length: number | undefined;
  #http: Http | undefined;
  readonly #url: string;
  #position: number;
  readonly #etag: string | undefined;
  readonly #resumeAttempts: number;
  #failures = 0;

  constructor(http: Http, url: string, position: number, length: number | undefined, etag: string | undefined, resumeAttempts: number) {
    this.#http = http;
    this.#url = url;
    this.#position = position;
    this.length = length;
    this.#etag = etag;
    this.#resumeAttempts = resumeAttempts;
  }

  async read(target: Uint8Array): Promise<number> {
    for (;;) {
      const http = this.#http;
      if (!http) throw new Error(`read from ${this.#url} after close()`);
      try {
        const n = callNative(() => http.read(target), this.#url);
        if (n > 0) {
          this.#position += n;
          this.#failures = 0;
        }
        return n;
      } catch (e) {
        if (!(e instanceof ReflashError) || !RESUMABLE.has(e.code) || this.#failures >= this.#resumeAttempts) throw e;
        this.#failures++;
        this.#resume(http, e);
      }
    }
  }

  /** Asks for the rest from where the bytes stopped; a failure reports the original cause. */
  #resume(http: Http, cause: ReflashError): void {
    try {
      const total = request(http, this.#url, this.#position, this.#etag);
      if (total !== undefined && this.length !== undefined && total !== this.length) {
        throw new ReflashError('SOURCE_RANGE_UNSUPPORTED', `the image is now ${total} bytes, was ${this.length}`);
      }
    } catch (e) {
      if (!(e instanceof ReflashError)) throw e;
      throw new ReflashError(cause.code, `${cause.message}; resuming at byte ${this.#position} failed: ${e.message}`,
        { url: this.#url, received: this.#position, resumeError: e.code });
    }
  }

  close(): void {
    this.#http?.close();
    this.#http = undefined;
  }
}
