/**
 * A model package's files as the `MetaBlob` file list lays them out: breadth-first, each folder
 * followed (at its `fromFileIndex`..`toFileIndex`) by its sub-folders, then its files, each in
 * name order; the root folder is the first entry. Huge files' blob references are gathered back.
 *
 * @module
 */
import { FILE_TYPE, type MetaBlob, type PackageFile, packageFile } from "./model_package.ts";

/** A regular file at a path of the package, with its `File` message. */
export interface PackagePath {
  /** `/`-separated path inside the version (`_manifest.yaml`, `src/...`). */
  path: string;
  /** Its `File` message (blob ids, md5, compression, offsets). */
  file: PackageFile;
}

interface Folder {
  proto: PackageFile;
  folders: Map<string, Folder>;
  files: PackageFile[];
}

/**
 * The `MetaBlob` file list of a set of regular files.
 *
 * @param files Files by path; their `File` messages carry the data references (the name is set
 *   here).
 * @returns The ordered file list, the root folder first.
 * @throws {TypeError} On an empty path segment.
 */
export function packFileList(files: PackagePath[]): PackageFile[] {
  const root: Folder = {
    proto: packageFile({ type: FILE_TYPE.DIRECTORY, permission: 0o40755 }),
    folders: new Map(),
    files: [],
  };
  for (const { path, file } of files) {
    const parts = path.split("/");
    if (parts.some((p) => !p || p === "." || p === "..")) {
      throw new TypeError(`Invalid file path ${JSON.stringify(path)} in a model package`);
    }
    let at = root;
    for (const dir of parts.slice(0, -1)) {
      let next = at.folders.get(dir);
      if (!next) {
        next = {
          proto: packageFile({ type: FILE_TYPE.DIRECTORY, name: dir, permission: 0o40755 }),
          folders: new Map(),
          files: [],
        };
        at.folders.set(dir, next);
      }
      at = next;
    }
    at.files.push({ ...file, name: parts.at(-1)! });
  }
  const out: PackageFile[] = [root.proto];
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    const folder = queue[i];
    folder.proto.fromFileIndex = out.length;
    const subs = [...folder.folders.values()].sort((a, b) => cmp(a.proto.name, b.proto.name));
    for (const sub of subs) out.push(sub.proto), queue.push(sub);
    out.push(...folder.files.sort((a, b) => cmp(a.name, b.name)));
    folder.proto.toFileIndex = out.length;
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The regular files of a `MetaBlob` file list (the first meta blob's files followed by those of
 * the others), with their paths; a huge file gets its blob references back.
 *
 * @param blobs The meta blobs, the first one first.
 * @returns The files, and the links (kept out of the package, named for a warning).
 * @throws {SyntaxError} On a list whose ranges do not describe one tree.
 */
export function unpackFileList(blobs: MetaBlob[]): { files: PackagePath[]; links: string[] } {
  const all = blobs.flatMap((b) => b.files);
  if (!all.length || all[0].type !== FILE_TYPE.DIRECTORY) {
    throw new SyntaxError("Invalid model package: the file list does not start with a folder");
  }
  const used = new Set<number>([0]);
  const take = (j: number) => {
    if (j < 0 || j >= all.length || used.has(j)) {
      throw new SyntaxError(`Invalid model package: file entry ${j} is out of place`);
    }
    used.add(j);
    return all[j];
  };
  const files: PackagePath[] = [], links: string[] = [];
  const queue: { proto: PackageFile; path: string }[] = [{ proto: all[0], path: "" }];
  for (let i = 0; i < queue.length; i++) {
    const { proto, path } = queue[i];
    for (let j = proto.fromFileIndex; j < proto.toFileIndex; j++) {
      const f = take(j);
      const full = path ? `${path}/${f.name}` : f.name;
      if (f.type === FILE_TYPE.DIRECTORY) queue.push({ proto: f, path: full });
      else if (f.type === FILE_TYPE.SYMLINK || f.type === FILE_TYPE.HARDLINK) links.push(full);
      else {
        const file = { ...f, blobIds: [...f.blobIds], signedUrls: [...f.signedUrls] };
        if (f.type === FILE_TYPE.HUGE) {
          for (let k = f.fromFileIndex; k < f.toFileIndex; k++) {
            const ref = take(k);
            file.blobIds.push(...ref.blobIds);
            file.signedUrls.push(...ref.signedUrls);
          }
        }
        files.push({ path: full, file });
      }
    }
  }
  if (used.size !== all.length) {
    throw new SyntaxError("Invalid model package: some file entries belong to no folder");
  }
  return { files, links };
}
