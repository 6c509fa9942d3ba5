/**
 * Row sources for datasets: JSON Lines and CSV files (or text), streamed.
 *
 * @module
 */

import type { Row, Value } from "../../datastore/mod.ts";

/**
 * Reads JSON Lines: one JSON object per line; blank lines are skipped.
 *
 * @param source A file path, or `{ text }`.
 * @returns The rows.
 * @throws {SyntaxError} A line that is not a JSON object (naming the line number).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJsonl } from "./dataset_sources.ts";
 * const rows = await Array.fromAsync(readJsonl({ text: '{"a":1}\n\n{"a":2}\n' }));
 * assert(rows.length === 2 && rows[1].a === 2);
 * ```
 */
export async function* readJsonl(source: string | { text: string }): AsyncIterable<Row> {
  let n = 0;
  for await (const line of lines(source)) {
    n++;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new SyntaxError(`Cannot read JSON Lines ${where(source)}: line ${n} is not JSON`, {
        cause: e,
      });
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new SyntaxError(
        `Cannot read JSON Lines ${where(source)}: line ${n} is not a JSON object`,
      );
    }
    yield value as Row;
  }
}

/**
 * Reads CSV with a header row (RFC 4180 quoting). Numeric fields become numbers, `true`/`false`
 * booleans, empty fields `null`.
 *
 * @param source A file path, or `{ text }`.
 * @returns The rows, keyed by the header names.
 * @throws {SyntaxError} An unterminated quote or a row with the wrong number of fields.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsv } from "./dataset_sources.ts";
 * const rows = await Array.fromAsync(readCsv({ text: 'x,label\n1,"a, b"\n2,c\n' }));
 * assert(rows[0].x === 1 && rows[0].label === "a, b");
 * ```
 */
export async function* readCsv(source: string | { text: string }): AsyncIterable<Row> {
  let header: string[] | undefined;
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let line = 0;
  for await (const text of lines(source)) {
    line++;
    let i = 0;
    if (quoted) field += "\n";
    while (i < text.length) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') (field += '"', i += 2);
        else if (c === '"') (quoted = false, i++);
        else (field += c, i++);
      } else if (c === '"' && field === "") (quoted = true, i++);
      else if (c === ",") (record.push(field), field = "", i++);
      else if (c === "\r" && i === text.length - 1) i++;
      else (field += c, i++);
    }
    if (quoted) continue;
    record.push(field);
    field = "";
    const fields = record;
    record = [];
    if (!header) {
      header = fields;
      continue;
    }
    if (fields.length === 1 && fields[0] === "") continue;
    if (fields.length !== header.length) {
      throw new SyntaxError(
        `Cannot read CSV ${
          where(source)
        }: line ${line} has ${fields.length} fields, the header has ${header.length}`,
      );
    }
    const row: Row = {};
    header.forEach((h, k) => row[h] = convert(fields[k]));
    yield row;
  }
  if (quoted) throw new SyntaxError(`Cannot read CSV ${where(source)}: unterminated quoted field`);
}

function convert(text: string): Value {
  if (text === "") return null;
  if (text === "true" || text === "false") return text === "true";
  if (/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return Number(text);
  return text;
}

function where(source: string | { text: string }): string {
  return typeof source === "string" ? `'${source}'` : "text";
}

async function* lines(source: string | { text: string }): AsyncIterable<string> {
  if (typeof source !== "string") {
    yield* source.text.split("\n");
    return;
  }
  const file = await Deno.open(source);
  let rest = "";
  const decoder = new TextDecoder();
  for await (const chunk of file.readable) {
    const parts = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  rest += decoder.decode();
  if (rest) yield rest;
}
