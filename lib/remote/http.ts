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
   * Sends a request under `/api/v1` and returns the envelope's `data`.
   *
   * @param path The path after `/api/v1`, with segments already encoded.
   * @param request Method, query, body, idempotency, signal.
   * @returns `data` of a success envelope.
   * @throws {RemoteError} On an HTTP error, a non-success envelope, or a network failure after
   *   the last attempt (status 0).
   */
  async request(path: string, request: ApiRequest = {}): Promise<unknown> {
    const { res, url } = await this.#send(path, request, "application/json");
    return await this.#unwrap(res, url);
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
    const { res, url } = await this.#send(path, request, `${mediaType}, application/json;q=0.9`);
    const type = res.headers.get("content-type") ?? "";
    if (res.ok && res.body && type.split(";")[0].trim() === mediaType) {
      return { stream: res.body, url };
    }
    return { data: await this.#unwrap(res, url) };
  }

  async #send(
    path: string,
    request: ApiRequest,
    accept: string,
  ): Promise<{ res: Response; url: string }> {
    const method = request.method ?? "GET";
    const url = new URL(`${this.#url}/api/v1${path}`);
    for (const [k, v] of Object.entries(request.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const idempotent = request.idempotent ?? method === "GET";
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    for (let attempt = 1;; attempt++) {
      const last = attempt >= this.#attempts;
      let res: Response;
      try {
        res = await this.#fetch(
          new Request(url, {
            method,
            body,
            signal: request.signal,
            headers: {
              authorization: this.#auth,
              accept,
              ...(body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
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
        if (request.signal?.aborted || last) {
          throw new RemoteError(`the request failed: ${(cause as Error)?.message ?? cause}`, {
            status: 0,
            url: url.href,
            cause,
          });
        }
        await this.#wait(attempt, request.signal);
        continue;
      }
      const retry = RETRY_STATUS.has(res.status) || (res.status >= 500 && idempotent);
      if (retry && !last) {
        await res.body?.cancel();
        await this.#wait(attempt, request.signal);
        continue;
      }
      return { res, url: url.href };
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
