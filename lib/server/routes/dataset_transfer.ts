/**
 * Dataset upload, with Starwhale's routes and shapes (the Java `DatasetController` and the Python
 * client's `core/dataset/copy.py`):
 *
 * - `HEAD /api/v1/project/{p}/dataset/{d}` and `…/dataset/{d}/version/{v}` (a `GET` answers the
 *   `DatasetInfoVo`): 200 when the dataset or version exists, else 404.
 * - The rows arrive through `POST /api/v1/datastore/updateTable`, into a table of the dataset
 *   (Starwhale's client writes `project/{p}/dataset/{d}/_current/meta`).
 * - `POST …/dataset/{d}/version/{v}/file`, `phase` (and `uploadId`) in the query or the form:
 *   `MANIFEST` with the version's `_manifest.yaml` as the multipart part `file` → `{uploadId}`;
 *   `END` lists the version (its rows read from `_current/meta` as of the manifest's
 *   `data_datastore_revision`); `CANCEL` drops the upload. Before `END` nothing is listed.
 * - `POST|HEAD|GET …/dataset/{d}/hashedBlob/{hash}`: a blob a row links to (multipart `file`;
 *   `POST` answers the blob's URI, `HEAD` gives it in `X-SW-LOCAL-STORAGE-URI`).
 *
 * Extension: a manifest may name the rows' table in `table` (this package's client puts each
 * version's rows in `project/{p}/dataset/{d}/{v[:2]}/{v}/meta`); the table must belong to the
 * dataset.
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import { parseYaml } from "../../_deps.ts";
import { NotFoundError } from "../../sdk/mod.ts";
import type { DatasetRecord, ImportResult, Instance } from "../../sdk/mod.ts";
import { datasetInfoVo } from "../../wire/mod.ts";
import { ApiError } from "../api_error.ts";
import type { BlobStore } from "../_blob_store.ts";
import {
  ok,
  param,
  resource,
  type ServerContext,
  type ServerCtx,
  type ServerEnv,
} from "../_context.ts";

/** The instance's way to record an uploaded version (a standalone instance has it). */
type Committer = Instance & {
  commitDatasetManifest(
    project: string,
    version: string,
    manifest: Record<string, unknown> & { name: string },
  ): Promise<ImportResult<DatasetRecord>>;
};

interface Upload {
  project: string;
  name: string;
  version: string;
  manifest: Record<string, unknown>;
}

/** Uploads waiting for `END`, at most this many (the oldest is dropped). */
const MAX_PENDING = 256;

function committer(instance: Instance): Committer {
  if (typeof (instance as Partial<Committer>).commitDatasetManifest !== "function") {
    throw ApiError.invalid("DATASET", "uploading datasets is not supported by this server");
  }
  return instance as Committer;
}

/** The largest form (a manifest, a hashed blob) this server reads, in bytes. */
const MAX_FORM = 256 * 1024 * 1024;

async function fields(c: ServerCtx): Promise<Record<string, string | File>> {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > MAX_FORM) {
    throw new ApiError(413, "INVALID REQUEST: DATASET", `a form is at most ${MAX_FORM} bytes`);
  }
  const out: Record<string, string | File> = {};
  for (const [k, v] of new URL(c.req.url).searchParams) out[k] = v;
  const type = c.req.header("content-type") ?? "";
  if (/multipart\/form-data|application\/x-www-form-urlencoded/.test(type)) {
    const body = await c.req.parseBody();
    for (const [k, v] of Object.entries(body)) {
      if (typeof v === "string" || v instanceof File) out[k] = v;
    }
  }
  return out;
}

/**
 * The dataset upload sub-app, to mount at `/api/v1/project/:p/dataset` next to the dataset reads.
 *
 * @param ctx The server context.
 * @param blobs The blob store (hashed blobs).
 * @returns The sub-app.
 */
export function datasetTransferRoutes(ctx: ServerContext, blobs: BlobStore): Hono<ServerEnv> {
  const pending = new Map<string, Upload>();
  const ended = new Map<string, string>();
  let next = 1;
  /** The table holding an uploaded version's rows. */
  const tableOf = async (upload: Upload, p: string): Promise<string> => {
    const { project, name, manifest } = upload;
    const segments = [...new Set([p, project])];
    if (typeof manifest.table === "string") {
      if (
        !segments.some((s) =>
          manifest.table === `project/${s}/dataset/${name}/${tail(manifest.table as string)}`
        )
      ) {
        throw ApiError.invalid(
          "DATASET",
          `the manifest's table '${manifest.table}' is not a table of dataset '${name}'`,
        );
      }
      return manifest.table;
    }
    for (const s of segments) {
      const table = `project/${s}/dataset/${name}/_current/meta`;
      if ((await ctx.instance().listTables(table)).includes(table)) return table;
    }
    return `project/${project}/dataset/${name}/_current/meta`;
  };

  return resource("DATASET")
    // Hono answers a HEAD with the GET route, body left out: 200 with the version's
    // `DatasetInfoVo`, or 404 (`HEAD …/dataset/{d}` is the dataset reads' `GET …/{d}`).
    .get("/:name/version/:v", async (c) => {
      const project = await ctx.project(param(c, "p"));
      const ref = { project, name: param(c, "name"), version: param(c, "v") };
      return ok(c, datasetInfoVo(await ctx.instance().getDataset(ref)));
    })
    .post("/:name/version/:v/file", async (c) => {
      const project = await ctx.project(param(c, "p"));
      const form = await fields(c);
      const phase = String(form.phase ?? "");
      if (phase === "MANIFEST") {
        const file = form.file;
        if (!(file instanceof File)) {
          throw ApiError.invalid(
            "DATASET",
            "phase MANIFEST needs the manifest as the multipart part 'file'",
          );
        }
        let manifest: unknown;
        try {
          manifest = parseYaml(await file.text());
        } catch (e) {
          throw ApiError.invalid("DATASET", `the manifest is not YAML: ${(e as Error).message}`);
        }
        if (!manifest || typeof manifest !== "object" || Array.isArray(manifest)) {
          throw ApiError.invalid("DATASET", "the manifest must be a YAML mapping");
        }
        const uploadId = String(next++);
        pending.set(uploadId, {
          project,
          name: param(c, "name"),
          version: param(c, "v"),
          manifest: manifest as Record<string, unknown>,
        });
        if (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value!);
        return ok(c, { uploadId: Number(uploadId) });
      }
      const uploadId = String(form.uploadId ?? "");
      if (phase === "CANCEL") {
        pending.delete(uploadId);
        return ok(c, { uploadId: Number(uploadId) });
      }
      if (phase !== "END") {
        throw ApiError.invalid(
          "DATASET",
          `unknown phase ${JSON.stringify(phase)}: expected MANIFEST, END or CANCEL`,
        );
      }
      const key = `${project}/${param(c, "name")}/${param(c, "v")}`;
      // An END sent again (its answer was lost) finds the upload ended, and succeeds again.
      if (ended.get(uploadId) === key) return ok(c, { uploadId: Number(uploadId) });
      const upload = pending.get(uploadId);
      if (
        !upload || upload.project !== project || upload.name !== param(c, "name") ||
        upload.version !== param(c, "v")
      ) {
        throw ApiError.invalid(
          "DATASET",
          `no upload ${JSON.stringify(uploadId)} of ${param(c, "name")}/version/${
            param(c, "v")
          } is open`,
        );
      }
      const table = await tableOf(upload, param(c, "p"));
      await committer(ctx.instance()).commitDatasetManifest(project, upload.version, {
        ...upload.manifest,
        name: upload.name,
        table,
      });
      pending.delete(uploadId);
      ended.set(uploadId, key);
      if (ended.size > MAX_PENDING) ended.delete(ended.keys().next().value!);
      return ok(c, { uploadId: Number(uploadId) });
    })
    .post("/:name/hashedBlob/:hash", async (c) => {
      await ctx.project(param(c, "p"));
      const file = (await fields(c)).file;
      if (!(file instanceof File)) {
        throw ApiError.invalid("DATASET", "the blob must be the multipart part 'file'");
      }
      await blobs.write("dataset", param(c, "hash"), new Uint8Array(await file.arrayBuffer()));
      return ok(c, param(c, "hash"));
    })
    .get("/:name/hashedBlob/:hash", async (c) => {
      await ctx.project(param(c, "p"));
      const data = await blobs.read("dataset", param(c, "hash"));
      if (!data) throw new NotFoundError("blob", param(c, "hash"));
      return c.body(data as Uint8Array<ArrayBuffer>, 200, {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="${param(c, "hash")}"`,
        "X-SW-LOCAL-STORAGE-URI": param(c, "hash"),
      });
    });
}

function tail(table: string): string {
  return table.split("/").slice(4).join("/");
}
