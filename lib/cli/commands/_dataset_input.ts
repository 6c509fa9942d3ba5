/**
 * Where `swcli dataset build` reads rows from: a JSON Lines or CSV file, stdin (`-`), or a folder
 * (one row per file: its path, parent folder as `label`, size and bytes).
 *
 * @module
 */

import { basename, extname, join } from "node:path";
import type { Row } from "../../../datastore/mod.ts";
import { readCsv, readJsonl } from "../../sdk/mod.ts";
import { listDir } from "../../standalone/mod.ts";
import { UsageError } from "../errors.ts";

/** Formats `dataset build` reads. */
export type DatasetFormat = "jsonl" | "csv" | "folder";

/** A row source with what progress needs. */
export interface DatasetInput {
  /** The rows. */
  rows: AsyncIterable<Row>;
  /** The number of rows when known up front (folders). */
  total?: number;
  /** A default dataset name: the file or folder name without extension. */
  name: string;
}

/**
 * Opens a row source.
 *
 * @param source A path, or `-` for JSON Lines on stdin.
 * @param options The format (default: from the extension, or `folder` for a directory) and stdin.
 * @returns The source.
 * @throws {UsageError} An unknown format. {Deno.errors.NotFound} A missing path.
 */
export async function openDatasetInput(
  source: string,
  options: { format?: string; stdin: () => ReadableStream<Uint8Array> },
): Promise<DatasetInput> {
  if (source === "-") {
    if (options.format && options.format !== "jsonl" && options.format !== "csv") {
      throw new UsageError(`Cannot read a ${options.format} from stdin`, "dataset build");
    }
    const text = await new Response(options.stdin()).text();
    return {
      rows: options.format === "csv" ? readCsv({ text }) : readJsonl({ text }),
      name: "stdin",
    };
  }
  const stat = await Deno.stat(source);
  const format = options.format ?? (stat.isDirectory ? "folder" : guess(source));
  const name = basename(source).replace(/\.[^.]*$/, "") || "dataset";
  if (format === "folder") {
    if (!stat.isDirectory) throw new UsageError(`'${source}' is not a folder`, "dataset build");
    const files = await listFiles(source);
    return { rows: folderRows(source, files), total: files.length, name };
  }
  if (format === "jsonl") return { rows: readJsonl(source), name };
  if (format === "csv") return { rows: readCsv(source), name };
  throw new UsageError(
    `Unknown --format ${JSON.stringify(format)}: expected jsonl, csv or folder`,
    "dataset build",
  );
}

function guess(path: string): string {
  const ext = extname(path).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".jsonl" || ext === ".ndjson" || ext === ".json") return "jsonl";
  throw new UsageError(
    `Cannot tell the format of '${path}' from its extension: add --format jsonl|csv|folder`,
    "dataset build",
  );
}

async function listFiles(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await listDir(join(dir, rel))) {
    if (e.name.startsWith(".")) continue;
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await listFiles(dir, path));
    else if (e.isFile) out.push(path);
  }
  return out;
}

async function* folderRows(dir: string, files: string[]): AsyncIterable<Row> {
  for (const path of files) {
    const content = await Deno.readFile(join(dir, path));
    const parts = path.split("/");
    yield {
      id: path,
      file_name: parts[parts.length - 1],
      label: parts.length > 1 ? parts[parts.length - 2] : "",
      size: content.length,
      content,
    };
  }
}
