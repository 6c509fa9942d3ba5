/**
 * What the console reads out of a job's summary and tables to draw: per-class
 * precision/recall/F1 (`labels/<class>/<metric>` summary columns, as the MNIST demo logs them,
 * or a `labels` table), the confusion matrix (a `confusion_matrix/*` table of one row per true
 * class), and the summary split into plain values and the per-class block.
 *
 * @module
 */

import type { Row } from "../../sdk/mod.ts";

/** Metrics of one class. */
export interface ClassMetrics {
  /** The class label. */
  label: string;
  /** Precision, when logged. */
  precision?: number;
  /** Recall, when logged. */
  recall?: number;
  /** F1 score, when logged. */
  f1?: number;
  /** Rows of the class, when logged. */
  support?: number;
}

/** A confusion matrix: `counts[i][j]` rows of true class `labels[i]` predicted as `labels[j]`. */
export interface ConfusionMatrix {
  /** The table it came from (short name). */
  table: string;
  /** Class labels, in order. */
  labels: string[];
  /** Counts, row = true class, column = predicted class. */
  counts: number[][];
}

const METRIC_KEYS: Record<string, keyof Omit<ClassMetrics, "label">> = {
  precision: "precision",
  recall: "recall",
  "f1-score": "f1",
  f1: "f1",
  f1_score: "f1",
  support: "support",
};

const PER_CLASS = /^labels\/([^/]+)\/([^/]+)$/;

function compareLabels(a: string, b: string): number {
  const x = Number(a), y = Number(b);
  if (a !== "" && b !== "" && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

function numeric(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "bigint") return Number(v);
  return undefined;
}

/**
 * Per-class metrics from a summary row's `labels/<class>/<metric>` columns.
 *
 * @param summary The job's summary row.
 * @returns One entry per class, classes in numeric (else text) order; `[]` when none is logged.
 */
export function classMetricsOfSummary(summary: Row): ClassMetrics[] {
  const byLabel = new Map<string, ClassMetrics>();
  for (const [key, value] of Object.entries(summary)) {
    const m = PER_CLASS.exec(key);
    const metric = m && METRIC_KEYS[m[2]];
    const n = numeric(value);
    if (!m || !metric || n === undefined) continue;
    const entry = byLabel.get(m[1]) ?? { label: m[1] };
    entry[metric] = n;
    byLabel.set(m[1], entry);
  }
  return [...byLabel.values()].sort((a, b) => compareLabels(a.label, b.label));
}

/**
 * Per-class metrics from the rows of a `labels` table (key = class, columns precision, recall,
 * f1-score, support).
 *
 * @param rows The table's rows.
 * @returns One entry per row that has at least one metric.
 */
export function classMetricsOfRows(rows: readonly Row[]): ClassMetrics[] {
  const out: ClassMetrics[] = [];
  for (const row of rows) {
    const entry: ClassMetrics = { label: String(row.id) };
    let any = false;
    for (const [column, metric] of Object.entries(METRIC_KEYS)) {
      const n = numeric(row[column]);
      if (n !== undefined) (entry[metric] = n, any = true);
    }
    if (any) out.push(entry);
  }
  return out.sort((a, b) => compareLabels(a.label, b.label));
}

/** Whether a short table name holds a confusion matrix. */
export function isConfusionTable(name: string): boolean {
  return /^confusion_matrix(\/|$)/.test(name);
}

/**
 * A confusion matrix from its table: one row per true class (key), one numeric column per
 * predicted class.
 *
 * @param table The short table name.
 * @param rows The rows.
 * @returns The matrix, or `undefined` when the rows do not form one.
 */
export function confusionOfRows(table: string, rows: readonly Row[]): ConfusionMatrix | undefined {
  if (rows.length === 0 || rows.length > 200) return undefined;
  const labels = rows.map((r) => String(r.id));
  const columns = new Set<string>();
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      if (k !== "id" && numeric(v) !== undefined) columns.add(k);
    }
  }
  const all = [...new Set([...labels, ...columns])].sort(compareLabels);
  // A matrix names its columns after the classes its rows are keyed by.
  if (![...columns].some((c) => labels.includes(c))) return undefined;
  const counts = all.map((truth) => {
    const row = rows.find((r) => String(r.id) === truth);
    return all.map((guess) => (row ? numeric(row[guess]) ?? 0 : 0));
  });
  return { table, labels: all, counts };
}

/** The summary split for display: plain entries, and the per-class block when it exists. */
export function summaryEntries(summary: Row): { key: string; value: unknown }[] {
  return Object.entries(summary)
    .filter(([key]) => key !== "id" && !PER_CLASS.test(key))
    .sort(([a], [b]) => {
      const da = a.split("/").length, db = b.split("/").length;
      return da - db || (a < b ? -1 : a > b ? 1 : 0);
    })
    .map(([key, value]) => ({ key, value }));
}

/** The summary keys of several jobs, aligned: every key any of them has, in display order. */
export function alignedKeys(summaries: readonly Row[]): string[] {
  const keys = new Set<string>();
  for (const s of summaries) for (const k of Object.keys(s)) if (k !== "id") keys.add(k);
  return [...keys].sort((a, b) => {
    const sa = a.startsWith("sys/") ? 1 : 0, sb = b.startsWith("sys/") ? 1 : 0;
    const la = PER_CLASS.test(a) ? 1 : 0, lb = PER_CLASS.test(b) ? 1 : 0;
    return sa - sb || la - lb || (a < b ? -1 : a > b ? 1 : 0);
  });
}
