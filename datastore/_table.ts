/**
 * The in-memory state of one table: key column and kind, column dictionary and types, the
 * memtable, frozen memtables being flushed, and the segments (newest first).
 *
 * @module
 */

import { TAG_TYPE } from "./_codec.ts";
import type { KeyKind } from "./_key.ts";
import type { TableManifest } from "./_manifest.ts";
import { Memtable } from "./_memtable.ts";
import type { SegmentReader } from "./_segment_reader.ts";
import type { ColumnSchema } from "./_value.ts";

/** One table's state. */
export class Table {
  readonly name: string;
  keyColumn: string;
  kind: KeyKind | undefined;
  /** Column names by id. */
  readonly names: string[] = [];
  readonly ids: Map<string, number> = new Map();
  /** Column types as last written. */
  readonly schema: Map<string, ColumnSchema> = new Map();
  memtable: Memtable = new Memtable();
  /** Frozen memtables being written to segments, newest first. */
  immutables: Memtable[] = [];
  /** Segments, newest first. */
  segments: SegmentReader[] = [];
  /** Revisions at or below this were folded by compaction. */
  horizon = 0;
  /** False until the table's first write is durable. */
  visible = false;
  /** The compaction in progress, if any. */
  compaction: Promise<void> | undefined;

  constructor(name: string, keyColumn: string) {
    this.name = name;
    this.keyColumn = keyColumn;
  }

  /** Restores a table from the manifest (segments are attached by the caller). */
  static fromManifest(m: TableManifest): Table {
    const t = new Table(m.name, m.keyColumn);
    t.kind = m.keyKind ?? undefined;
    m.columns.forEach((name, id) => t.addColumn(name, id));
    for (const s of m.schema) t.schema.set(s.name!, s);
    t.horizon = m.horizon;
    t.visible = true;
    return t;
  }

  /** What {@link rollback} restores: the dictionary, types and key kind as of now. */
  checkpoint(): { columns: number; schema: Map<string, ColumnSchema>; kind: KeyKind | undefined } {
    return { columns: this.names.length, schema: new Map(this.schema), kind: this.kind };
  }

  /** Undoes dictionary and type changes made since `mark` (nothing was logged for them). */
  rollback(mark: ReturnType<Table["checkpoint"]>): void {
    for (const name of this.names.splice(mark.columns)) this.ids.delete(name);
    this.schema.clear();
    for (const [k, v] of mark.schema) this.schema.set(k, v);
    this.kind = mark.kind;
  }

  /** Records a column in the dictionary. */
  addColumn(name: string, id: number): void {
    this.names[id] = name;
    this.ids.set(name, id);
  }

  /**
   * Notes the type of a written value; returns the column's new schema when it changed.
   *
   * @param declared A schema given by the writer, which wins over the inferred type.
   */
  noteType(name: string, tag: number, declared?: ColumnSchema): ColumnSchema | undefined {
    if (tag === 0 && declared === undefined) return undefined; // null keeps the known type
    const current = this.schema.get(name);
    if (declared !== undefined) {
      const next = { ...declared, name };
      if (current !== undefined && JSON.stringify(current) === JSON.stringify(next)) return;
      this.schema.set(name, next);
      return next;
    }
    const type = TAG_TYPE[tag];
    if (current !== undefined && current.type === type) return undefined;
    const next: ColumnSchema = { name, type };
    this.schema.set(name, next);
    return next;
  }

  /** Whether the table holds nothing (no memtable data, no segments). */
  get empty(): boolean {
    return this.memtable.versions === 0 && this.immutables.length === 0 &&
      this.segments.length === 0;
  }

  /** The manifest entry for the current segments. */
  toManifest(): TableManifest {
    return {
      name: this.name,
      keyColumn: this.keyColumn,
      keyKind: this.kind ?? null,
      columns: [...this.names],
      schema: [...this.schema.values()],
      horizon: this.horizon,
      segments: this.segments.map((s) => s.info),
    };
  }
}
