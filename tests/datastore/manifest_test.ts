import {
  decodeManifest,
  encodeManifest,
  type Manifest,
  readManifest,
  writeManifest,
} from "../../datastore/_manifest.ts";
import { checksum } from "../../datastore/_checksum.ts";
import { CorruptionError, denoStorage } from "../../datastore/mod.ts";
import { assertEquals, assertThrows, tempDir } from "./_helpers.ts";

const manifest: Manifest = {
  version: 1,
  nextFile: 7,
  lastRevision: 42,
  wal: 5,
  tables: [{
    name: "proj/ü",
    keyColumn: "id",
    keyKind: "string",
    columns: ["a", "b"],
    schema: [{ name: "a", type: "INT8" }],
    horizon: 3,
    segments: [{ file: "000004.seg", keys: 1, versions: 2, minRev: 1, maxRev: 3, bytes: 99 }],
  }],
};

Deno.test("encodeManifest() writes JSON and an xxh32 trailer that decodeManifest() checks", () => {
  const bytes = encodeManifest(manifest);
  const text = new TextDecoder().decode(bytes);
  const body = JSON.stringify(manifest);
  assertEquals(text, `${body}\nxxh32=${checksum(new TextEncoder().encode(body)).toString(16)}\n`);
  assertEquals(decodeManifest(bytes, "MANIFEST"), manifest);
});

Deno.test("decodeManifest() rejects a damaged manifest with CorruptionError", () => {
  const bytes = encodeManifest(manifest);
  const flipped = bytes.slice();
  flipped[20] ^= 1;
  assertThrows(() => decodeManifest(flipped, "MANIFEST"), CorruptionError, "checksum mismatch");
  assertThrows(
    () => decodeManifest(bytes.slice(0, bytes.length - 20), "MANIFEST"),
    CorruptionError,
    "MANIFEST",
  );
  const v2 = encodeManifest({ ...manifest, version: 2 });
  assertThrows(() => decodeManifest(v2, "MANIFEST"), CorruptionError, "version 2");
  const notJson = new TextEncoder().encode(
    `{nope\nxxh32=${checksum(new TextEncoder().encode("{nope")).toString(16)}\n`,
  );
  assertThrows(() => decodeManifest(notJson, "MANIFEST"), CorruptionError, "not JSON");
});

Deno.test("writeManifest() replaces the manifest atomically and leaves no temp file", async () => {
  await using dir = await tempDir();
  assertEquals(await readManifest(denoStorage, dir.path), undefined);
  await writeManifest(denoStorage, dir.path, manifest);
  await writeManifest(denoStorage, dir.path, { ...manifest, lastRevision: 43 });
  assertEquals((await readManifest(denoStorage, dir.path))?.lastRevision, 43);
  const names = [];
  for await (const e of Deno.readDir(dir.path)) names.push(e.name);
  assertEquals(names, ["MANIFEST"]);
});
