/**
 * Blobs of model uploads and the signed URLs of downloads, with Starwhale's routes and shapes
 * (the Java `ModelController`, the Python client's `core/model/copy.py`): `POST /api/v1/blob`
 * `{contentMd5, contentLength}` → `{status: "OK"|"EXISTED", blobId, signedUrl}`, a `PUT` of the
 * bytes to `signedUrl`, then `POST /api/v1/blob/{blobId}` → `{blobId}`. A blob's id is its MD5.
 *
 * Extension: the signed URLs point at this server's own `/signed/blob/{id}` and
 * `/signed/model/{p}/{m}/{v}/file?path=` (no token: an HMAC signature valid for an hour) where a
 * Starwhale Server hands out object-storage URLs.
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import { NotFoundError } from "../../sdk/mod.ts";
import { ApiError } from "../api_error.ts";
import type { BlobStore } from "../_blob_store.ts";
import { fileAt, octets, streamed } from "./_model_files.ts";
import { ok, param, resource, type ServerContext, type ServerEnv } from "../_context.ts";

const MAX_BLOB = 64 * 1024 * 1024;

/**
 * The blob sub-app, to mount at `/api/v1/blob`.
 *
 * @param ctx The server context.
 * @param blobs The blob store.
 * @returns `POST /` (start an upload) and `POST /{blobId}` (finish it).
 */
export function blobRoutes(ctx: ServerContext, blobs: BlobStore): Hono<ServerEnv> {
  return resource("MODEL")
    .post("/", async (c) => {
      const body = await ctx.body(c);
      const md5 = String(body.contentMd5 ?? "").toLowerCase();
      const length = body.contentLength;
      if (!/^[0-9a-f]{32}$/.test(md5)) {
        throw ApiError.invalid(
          "MODEL",
          `'contentMd5' must be 32 hex digits, got ${JSON.stringify(body.contentMd5)}`,
        );
      }
      if (
        !Number.isSafeInteger(length) || (length as number) < 0 || (length as number) > MAX_BLOB
      ) {
        throw ApiError.invalid("MODEL", `'contentLength' must be an integer from 0 to ${MAX_BLOB}`);
      }
      if (await blobs.has("model", md5)) return ok(c, { status: "EXISTED", blobId: md5 });
      const url = new URL(`/signed/blob/${md5}`, new URL(c.req.url).origin);
      return ok(c, { status: "OK", blobId: md5, signedUrl: blobs.sign("PUT", url) });
    })
    .post("/:blobId", async (c) => {
      const id = param(c, "blobId");
      if (!(await blobs.has("model", id))) throw new NotFoundError("blob", id);
      return ok(c, { blobId: id });
    });
}

/**
 * The signed URLs' sub-app, to mount at `/signed` (outside the token check): `PUT` and `GET`
 * `/blob/{id}`, `GET /model/{p}/{m}/{v}/file?path=`.
 *
 * @param ctx The server context.
 * @param blobs The blob store (it checks the signatures).
 * @returns The sub-app.
 */
export function signedRoutes(ctx: ServerContext, blobs: BlobStore): Hono<ServerEnv> {
  return resource("MODEL")
    .use(async (c, next) => {
      if (!blobs.verify(c.req.method, new URL(c.req.url))) {
        throw new ApiError(403, "Forbidden", "The URL's signature is not valid or has expired.");
      }
      await next();
    })
    .put("/blob/:id", async (c) => {
      const declared = Number(c.req.header("content-length") ?? 0);
      if (declared > MAX_BLOB) {
        throw ApiError.invalid("MODEL", `a blob is at most ${MAX_BLOB} bytes`);
      }
      const data = new Uint8Array(await c.req.arrayBuffer());
      if (data.byteLength > MAX_BLOB) {
        throw ApiError.invalid("MODEL", `a blob is at most ${MAX_BLOB} bytes`);
      }
      await blobs.write("model", param(c, "id"), data);
      return c.body(null, 200);
    })
    .get("/blob/:id", async (c) => {
      const data = await blobs.read("model", param(c, "id"));
      if (!data) throw new NotFoundError("blob", param(c, "id"));
      return octets(c, data);
    })
    .get("/model/:p/:name/:version/file", async (c) => {
      const ref = {
        project: await ctx.project(param(c, "p")),
        name: param(c, "name"),
        version: param(c, "version"),
      };
      return streamed(c, await fileAt(ctx, ref, c.req.query("path") ?? ""));
    });
}
