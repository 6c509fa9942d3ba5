/**
 * The server's blob store for model and dataset uploads: content-addressed files under
 * `<root>/.blobs/` (`model/<md5[:2]>/<md5>` for model package blobs, `dataset/<hash[:2]>/<hash>`
 * for a dataset's hashed blobs), each written to a temporary sibling and renamed into place once
 * its digest is checked, so a torn upload is never read. Signed URLs let a client `PUT` or `GET`
 * a blob without the token, as Starwhale's Python client does with object storage: an HMAC of
 * the method, path and expiry under the server's token.
 *
 * @module
 */
import { createHash, createHmac } from "node:crypto";
import { join } from "node:path";
import { writeFileAtomic } from "../standalone/mod.ts";

/** Seconds a signed URL stays valid. */
const SIGNED_FOR = 3600;

/** Content-addressed blobs in a storage root. */
export class BlobStore {
  readonly #dir: string;
  readonly #key: string;

  /**
   * Creates it; nothing is written before the first blob.
   *
   * @param root The storage root.
   * @param token The server's token (the signing key).
   */
  constructor(root: string, token: string) {
    this.#dir = join(root, ".blobs");
    this.#key = token;
  }

  /** The file of a blob: `<kind>/<id[:2]>/<id>`. */
  path(kind: "model" | "dataset", id: string): string {
    if (!/^[0-9a-zA-Z_-]{8,128}$/.test(id)) {
      throw new TypeError(
        `Invalid blob id ${JSON.stringify(id)}: expected 8-128 letters or digits`,
      );
    }
    return join(this.#dir, kind, id.slice(0, 2), id);
  }

  /** Whether a blob is stored. */
  async has(kind: "model" | "dataset", id: string): Promise<boolean> {
    try {
      return (await Deno.stat(this.path(kind, id))).isFile;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return false;
      throw e;
    }
  }

  /** A stored blob's bytes, or `undefined`. */
  async read(kind: "model" | "dataset", id: string): Promise<Uint8Array | undefined> {
    try {
      return await Deno.readFile(this.path(kind, id));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return undefined;
      throw e;
    }
  }

  /**
   * Stores a blob; a model blob's id must be the MD5 of its bytes.
   *
   * @throws {TypeError} When the bytes do not match the id.
   */
  async write(kind: "model" | "dataset", id: string, data: Uint8Array): Promise<void> {
    const path = this.path(kind, id);
    if (kind === "model" && md5Hex(data) !== id) {
      throw new TypeError(`Cannot store blob ${id}: the bytes sent have another MD5`);
    }
    await writeFileAtomic(path, data);
  }

  /**
   * Signs a path for `method`, valid for an hour.
   *
   * @param method `GET` or `PUT`.
   * @param url The URL to sign (its path is signed).
   * @returns The URL with `expires` and `signature`.
   */
  sign(method: string, url: URL): string {
    const expires = String(Math.floor(Date.now() / 1000) + SIGNED_FOR);
    url.searchParams.set("expires", expires);
    url.searchParams.set("signature", this.#mac(method, url.pathname, expires));
    return url.href;
  }

  /** Whether a request's URL carries a valid, unexpired signature for its method and path. */
  verify(method: string, url: URL): boolean {
    const expires = url.searchParams.get("expires") ?? "";
    const given = url.searchParams.get("signature") ?? "";
    if (!/^\d+$/.test(expires) || Number(expires) < Date.now() / 1000) return false;
    const want = this.#mac(method === "HEAD" ? "GET" : method, url.pathname, expires);
    let diff = given.length ^ want.length;
    for (let i = 0; i < want.length; i++) diff |= want.charCodeAt(i) ^ (given.charCodeAt(i) || 0);
    return diff === 0;
  }

  #mac(method: string, path: string, expires: string): string {
    return createHmac("sha256", this.#key).update(`${method}\n${path}\n${expires}`).digest("hex");
  }
}

/** The MD5 of bytes, in hex. */
export function md5Hex(data: Uint8Array): string {
  return createHash("md5").update(data).digest("hex");
}
