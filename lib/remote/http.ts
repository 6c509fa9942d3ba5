/**
 * The HTTP client under `RemoteInstance`: `/api/v1` requests with the Bearer token, the
 * `{code, message, data}` envelope, bounded retries with exponential backoff on network errors
 * and 5xx, and `RemoteError` for everything else.
 *
 * @module
 */
import { RemoteError } from "../sdk/errors.ts";

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  /** Base URL `scheme://host[:port]`. */
  url: string;
  /** The token, with or without the `Bearer ` prefix. */
  token: string;
  /** The fetch to use (inject `app.fetch` to test without a socket). @default globalThis.fetch */
  fetch?: (request: Request) => Promise<Response>;
  /** Attempts per request, the first included. @default 4 */
  attempts?: number;
  /** First backoff in ms, doubled per retry (with jitter), capped at 5 s. @default 200 */
  backoffMs?: number;
  /**
   * Waits `ms` before a retry, rejecting with the signal's reason when it aborts first (inject
   * one to test the backoff without waiting). @default a timer
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The wait before retry `attempt` (1-based): half to all of `first * 2^(attempt-1)`, at most 5 s. */
function backoff(first: number, attempt: number): number {
  const base = Math.min(5000, first * 2 ** (attempt - 1));
  return base / 2 + Math.random() * (base / 2);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener("abort", abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", abort, { once: true });
  });
}

/** One request. */
export interface ApiRequest {
  /** HTTP method. @default "GET" */
  method?: string;
  /** Query parameters (undefined values are left out). */
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body. */
  body?: unknown;
  /** Safe to send again after a 500 (reads, upserts). @default method === "GET" */
  idempotent?: boolean;
  /** Aborts the request. */
  signal?: AbortSignal;
  /** The answer is text (`text/plain`, no envelope): return it as is. */
  text?: boolean;
}

/** One request whose answer is not a JSON envelope (see {@link ApiClient.requestRaw}). */
export interface RawRequest {
  /** HTTP method. @default "GET" */
  method?: string;
  /** The body as is (bytes, a form, text). */
  body?: BodyInit;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** Query parameters (undefined values are left out). */
  query?: Record<string, string | number | boolean | undefined>;
  /** Safe to send again after a 500. @default GET and HEAD */
  idempotent?: boolean;
  /** Statuses answered as they are rather than thrown (`[404]` for a probe). */
  acceptStatus?: number[];
  /** Aborts the request. */
  signal?: AbortSignal;
}

const RETRY_STATUS = new Set([408, 429, 502, 503, 504]);

/**
 * A JSON client for the Starwhale REST API.
 *
 * @example Ask a server who is logged in
 * ```ts ignore
 * import { ApiClient } from "@starwhale/sdk/remote";
 * const api = new ApiClient({ url: "http://127.0.0.1:8082", token: "secret" });
 * const user = await api.request("/user/current") as { name: string };
 * ```
 */
export class ApiClient {
  readonly #url: string;
  readonly #auth: string;
  readonly #fetch: (request: Request) => Promise<Response>;
  readonly #attempts: number;
  readonly #backoff: number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  /**
   * Makes a client; nothing is sent before the first request.
   *
   * @param options Base URL, token, fetch and retry settings.
   * @throws {TypeError} On a malformed URL or an empty token.
   */
  constructor(options: ApiClientOptions) {
    if (!/^https?:\/\/[^/]+$/.test(options.url)) {
      throw new TypeError(
        `Cannot use server URL ${JSON.stringify(options.url)}: expected scheme://host[:port]`,
      );
    }
    if (typeof options.token !== "string" || options.token.trim() === "") {
      throw new TypeError(`Cannot connect to ${options.url}: no token (log in first)`);
    }
    this.#url = options.url;
    this.#auth = options.token.startsWith("Bearer ") ? options.token : `Bearer ${options.token}`;
    this.#fetch = options.fetch ?? ((r) => fetch(r));
    this.#attempts = Math.max(1, options.attempts ?? 4);
    this.#backoff = options.backoffMs ?? 200;
    this.#sleep = options.sleep ?? sleep;
  }

  /** The base URL. */
  get url(): string {
    return this.#url;
  }

  /**
   * Opens a WebSocket to a path under `/api/v1` (`ws://` or `wss://` as the server's scheme),
   * sending the token in the handshake's `Authorization` header.
   *
   * @param path The path after `/api/v1`, with segments already encoded.
   * @returns The socket, connecting.
   */
  openWebSocket(path: string): WebSocket {
    const url = `${this.#url.replace(/^http/, "ws")}/api/v1${path}`;
    return new WebSocket(url, { headers: { authorization: this.#auth } });
  }

  /**
   * Sends a request under `/api/v1` and returns the envelope's `data`.
   *
   * @param path The path after `/api/v1`, with segments already encoded.
   * @param request Method, query, body, idempotency, signal.
   * @returns `data` of a success envelope (with `text`: the answer's text).
   * @throws {RemoteError} On an HTTP error, a non-success envelope, or a network failure after
   *   the last attempt (status 0).
   */
  async request(path: string, request: ApiRequest = {}): Promise<unknown> {
    const { url, init } = this.#jsonRequest(path, request, {
      ...(request.text ? { accept: "text/plain" } : {}),
    });
    const res = await this.#send(url, init);
    if (request.text && res.ok) return await res.text();
    return await this.#unwrap(res, url.href);
  }

  /**
   * Like {@link ApiClient.request}, but also accepts an answer of `mediaType` (a streaming
   * extension of this package's server): such an answer is handed back as its body stream,
   * anything else is read as the usual envelope.
   *
   * @param path The path after `/api/v1`.
   * @param request Method, query, body, idempotency, signal.
   * @param mediaType The streaming media type to accept, e.g. `application/x-ndjson`.
   * @returns `{stream}` for a streamed answer, else `{data}` of the envelope.
   * @throws {RemoteError} As {@link ApiClient.request}.
   */
  async negotiate(
    path: string,
    request: ApiRequest,
    mediaType: string,
  ): Promise<{ stream: ReadableStream<Uint8Array>; url: string } | { data: unknown }> {
    const { url, init } = this.#jsonRequest(path, request, {
      accept: `${mediaType}, application/json;q=0.9`,
    });
    const res = await this.#send(url, init);
    const type = res.headers.get("content-type") ?? "";
    if (res.ok && res.body && type.split(";")[0].trim() === mediaType) {
      return { stream: res.body, url: url.href };
    }
    return { data: await this.#unwrap(res, url.href) };
  }

  /** The URL and fetch settings of a request with a JSON body. */
  #jsonRequest(path: string, request: ApiRequest, headers: Record<string, string>) {
    const url = new URL(`${this.#url}/api/v1${path}`);
    for (const [k, v] of Object.entries(request.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const init = {
      method: request.method,
      body,
      idempotent: request.idempotent,
      signal: request.signal,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
      },
    };
    return { url, init };
  }

  /**
   * Sends a request and returns the response itself, for what is not a JSON envelope: `HEAD`
   * probes, binary bodies, multipart forms, and the signed blob URLs a server hands out (sent
   * without the token). Retries as {@link request} does.
   *
   * @param target A path under `/api/v1`, or an absolute URL (a signed URL).
   * @param request Method, body, headers, query, idempotency, signal.
   * @returns The response (any status; a 2xx when `ok` is asked).
   * @throws {RemoteError} On a network failure after the last attempt, and on a non-2xx answer
   *   unless `acceptStatus` lists it.
   */
  async requestRaw(target: string, request: RawRequest = {}): Promise<Response> {
    const absolute = /^https?:\/\//.test(target);
    const url = new URL(absolute ? target : `${this.#url}/api/v1${target}`);
    for (const [k, v] of Object.entries(request.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const res = await this.#send(url, { ...request, auth: !absolute });
    if (res.ok || request.acceptStatus?.includes(res.status)) return res;
    return await this.#unwrap(res, url.href) as never;
  }

  async #send(url: URL, init: {
    method?: string;
    body?: BodyInit;
    headers?: Record<string, string>;
    idempotent?: boolean;
    signal?: AbortSignal;
    auth?: boolean;
  }): Promise<Response> {
    const method = init.method ?? "GET";
    const idempotent = init.idempotent ?? (method === "GET" || method === "HEAD");
    for (let attempt = 1;; attempt++) {
      const last = attempt >= this.#attempts;
      let res: Response;
      try {
        res = await this.#fetch(
          new Request(url, {
            method,
            body: init.body,
            signal: init.signal,
            headers: {
              ...(init.auth === false ? {} : { authorization: this.#auth }),
              accept: "application/json",
              ...init.headers,
            },
          }),
        );
      } catch (cause) {
        if (
          cause instanceof Deno.errors.NotCapable || cause instanceof Deno.errors.PermissionDenied
        ) {
          throw new RemoteError(
            `Cannot reach ${url.host}: Deno was not given network access to it ` +
              `(run again with --allow-net=${url.host})`,
            { status: 0, url: url.href, cause },
          );
        }
        if (init.signal?.aborted || last) {
          throw new RemoteError(`the request failed: ${(cause as Error)?.message ?? cause}`, {
            status: 0,
            url: url.href,
            cause,
          });
        }
        await this.#wait(attempt, init.signal);
        continue;
      }
      const retry = RETRY_STATUS.has(res.status) || (res.status >= 500 && idempotent);
      if (retry && !last) {
        await res.body?.cancel();
        await this.#wait(attempt, init.signal);
        continue;
      }
      return res;
    }
  }

  async #unwrap(res: Response, url: string): Promise<unknown> {
    const text = await res.text();
    let json: { code?: unknown; message?: unknown; data?: unknown } | undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const code = typeof json?.code === "string" ? json.code : undefined;
    if (res.ok && code === "success") return json!.data;
    const message = typeof json?.message === "string"
      ? json.message
      : text.slice(0, 200) || res.statusText || "no answer body";
    throw new RemoteError(message, { status: res.ok ? 500 : res.status, url, code });
  }

  #wait(attempt: number, signal?: AbortSignal): Promise<void> {
    return this.#sleep(backoff(this.#backoff, attempt), signal);
  }
}
