/**
 * The console's own sign-in: a visitor proves they know the server's token once, and gets a
 * random session id in an `HttpOnly`, `SameSite=Strict` cookie. The API never accepts the
 * cookie (it stays Bearer-only). Each session carries a CSRF token that every form posting an
 * action must send back.
 *
 * @module
 */

/** One signed-in visitor. */
export interface Session {
  /** The cookie value. */
  id: string;
  /** The token forms must echo in their `csrf` field. */
  csrf: string;
  /** When it stops being valid, ms since the epoch. */
  expires: number;
}

/** The cookie holding the session id. */
export const SESSION_COOKIE = "sw_console";

function randomHex(bytes: number): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Compares two strings in time that depends only on their lengths. */
export function sameText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a), y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** The value of one cookie of a `Cookie` header. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The sessions of one console, in memory (a restart signs everyone out). */
export class Sessions {
  readonly #token: string;
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #sessions = new Map<string, Session>();

  /**
   * @param token The server's token, which signs a visitor in.
   * @param options `ttlMs` (default 12 h) and `max` sessions kept (default 1000; the oldest go).
   */
  constructor(token: string, options: { ttlMs?: number; max?: number } = {}) {
    this.#token = token;
    this.#ttlMs = options.ttlMs ?? 12 * 3600_000;
    this.#max = options.max ?? 1000;
  }

  /** A new session when `candidate` is the token, else `undefined`. */
  signIn(candidate: string, now = Date.now()): Session | undefined {
    if (!sameText(candidate, this.#token)) return undefined;
    while (this.#sessions.size >= this.#max) {
      this.#sessions.delete(this.#sessions.keys().next().value as string);
    }
    const session = { id: randomHex(32), csrf: randomHex(16), expires: now + this.#ttlMs };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session a `Cookie` header names, if any. */
  find(cookieHeader: string | null | undefined, now = Date.now()): Session | undefined {
    const id = cookieValue(cookieHeader, SESSION_COOKIE);
    const session = id === undefined ? undefined : this.#sessions.get(id);
    if (!session) return undefined;
    if (session.expires <= now) {
      this.#sessions.delete(session.id);
      return undefined;
    }
    return session;
  }

  /** Ends a session. */
  signOut(session: Session): void {
    this.#sessions.delete(session.id);
  }
}

/** The `Set-Cookie` value that stores a session (or clears it, without one). */
export function sessionCookie(session: Session | undefined, secure: boolean): string {
  const attrs = `Path=/; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;
  return session
    ? `${SESSION_COOKIE}=${session.id}; ${attrs}; Max-Age=${
      Math.max(0, Math.floor((session.expires - Date.now()) / 1000))
    }`
    : `${SESSION_COOKIE}=; ${attrs}; Max-Age=0`;
}

/** A local path to go back to after sign-in; anything else becomes `/`. */
export function safeNext(next: string | undefined | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.includes("\\")
    ? next
    : "/";
}
