/**
 * Runtime packages a server keeps for the models that carry them: Starwhale's Python client
 * uploads a model's packaged runtime (a `.swrt` tar) next to the model in `swcli model copy`.
 * Each version is one file where Starwhale's standalone layout puts it,
 * `<root>/<project>/runtime/<name>/<version[:2]>/<version>.swrt`, written to a temporary sibling
 * and renamed into place, so a torn upload is never read. This SDK runs no runtime: it stores
 * them, answers whether one is there, and serves them back.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { checkName } from "../sdk/uri.ts";
import { checkVersion } from "./_bundle_import.ts";

/** The runtime packages of one project. */
export class RuntimeStore {
  readonly #dir: string;

  /**
   * Creates it; nothing is written before the first package.
   *
   * @param root The storage root.
   * @param project The project.
   */
  constructor(root: string, project: string) {
    this.#dir = join(root, checkName("project", project), "runtime");
  }

  /**
   * The file of a version.
   *
   * @throws {TypeError} For a malformed name or version.
   */
  path(name: string, version: string): string {
    checkName("runtime", name);
    checkVersion("runtime", version);
    return join(this.#dir, name, version.slice(0, 2), `${version}.swrt`);
  }

  /** Whether a version is stored. */
  async has(name: string, version: string): Promise<boolean> {
    try {
      return (await Deno.stat(this.path(name, version))).isFile;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return false;
      throw e;
    }
  }

  /** A version's package, or `undefined`. */
  async read(name: string, version: string): Promise<Uint8Array | undefined> {
    try {
      return await Deno.readFile(this.path(name, version));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return undefined;
      throw e;
    }
  }

  /**
   * Stores a version's package. A version already stored is kept unless `replace` is set.
   *
   * @returns `false` when the version was there and was kept.
   */
  async write(
    name: string,
    version: string,
    data: Uint8Array,
    options: { replace?: boolean } = {},
  ): Promise<boolean> {
    const path = this.path(name, version);
    if (!options.replace && await this.has(name, version)) return false;
    await Deno.mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
    try {
      await Deno.writeFile(tmp, data);
      await Deno.rename(tmp, path);
    } catch (e) {
      await Deno.remove(tmp).catch(() => {});
      throw e;
    }
    return true;
  }
}
