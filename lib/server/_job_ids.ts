/**
 * Upstream-style numeric job ids for the standalone job ids, assigned in order of first sight and
 * kept in a datastore table so they survive restarts.
 *
 * @module
 */
import type { ServerStore } from "./store.ts";

const ID_TABLE = "sys/server/job_ids";

/** The numeric id <-> job id table. */
export class JobIds {
  readonly #store: ServerStore;
  #ids: Promise<{ byUuid: Map<string, number>; byId: Map<number, string> }> | undefined;
  #nextWrite: Promise<unknown> = Promise.resolve();

  readonly #table: string;

  /**
   * @param store Where the table lives.
   * @param options `table`: another table, for another kind of id (the tasks' ids).
   */
  constructor(store: ServerStore, options: { table?: string } = {}) {
    this.#store = store;
    this.#table = options.table ?? ID_TABLE;
  }

  #load() {
    this.#ids ??= (async () => {
      const byUuid = new Map<string, number>(), byId = new Map<number, string>();
      if (await this.#store.schema(this.#table)) {
        for await (const row of this.#store.scan(this.#table)) {
          byUuid.set(row.uuid as string, Number(row.id));
          byId.set(Number(row.id), row.uuid as string);
        }
      }
      return { byUuid, byId };
    })();
    return this.#ids;
  }

  /** The numeric id of a job, assigning (and storing) the next one on first sight. */
  async numericId(uuid: string): Promise<number> {
    const ids = await this.#load();
    let id = ids.byUuid.get(uuid);
    if (id === undefined) {
      id = ids.byId.size + 1;
      ids.byUuid.set(uuid, id);
      ids.byId.set(id, uuid);
      const row = { id, uuid };
      this.#nextWrite = this.#nextWrite.then(() =>
        this.#store.update(this.#table, [row], { keyColumn: "id" })
      );
      await this.#nextWrite;
    }
    return id;
  }

  /** The job id behind a numeric id, or `undefined`. */
  async uuidOf(id: number): Promise<string | undefined> {
    return (await this.#load()).byId.get(id);
  }

  /** Waits for the pending writes. */
  async close(): Promise<void> {
    await this.#nextWrite;
  }
}
