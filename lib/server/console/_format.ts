/**
 * How the console writes values: table cells, numbers, times, durations, and JSON that is safe
 * inside a `<script>` element.
 *
 * @module
 */

import { FINAL_STATUSES, type JobRecord, type JobStatus } from "../../sdk/mod.ts";

/**
 * A datastore value as cell text: numbers with at most 4 decimals, bytes as their size, lists,
 * maps and objects as compact JSON, `null` as an empty cell.
 *
 * @param value Any value a table row holds.
 * @returns The text.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return numberText(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (value instanceof Map) return jsonText(Object.fromEntries(value));
  return jsonText(value);
}

/** A number with at most 4 decimals (integers as they are, NaN and infinities spelled out). */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e12)) return n.toExponential(3);
  return String(Math.round(n * 1e4) / 1e4);
}

function jsonText(value: unknown): string {
  const text = JSON.stringify(value, (_k, v) => {
    if (typeof v === "bigint") return v.toString();
    if (v instanceof Uint8Array) return `<${v.length} bytes>`;
    if (v instanceof Map) return Object.fromEntries(v);
    return v;
  });
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** An ISO time as `YYYY-MM-DD HH:MM:SS` UTC, or `—` when absent. */
export function timeText(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 19).replace("T", " ");
}

/** The duration between two ISO times (or until now), as `1h 2m`, `3m 4s` or `5.6s`. */
export function durationText(from: string, to: string | null, now = Date.now()): string {
  const ms = (to ? Date.parse(to) : now) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return "—";
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.floor(s % 60)}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** Whether a job has ended. */
export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** JSON that can sit inside `<script type="application/json">`: no `<`, no line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** The short form of a job id shown in lists (the full id stays in links and titles). */
export function shortId(id: string): string {
  return id.length > 12 ? id.slice(0, 12) : id;
}

/** What a live view needs to know about a job: status, end, duration. */
export function liveState(job: JobRecord): {
  status: JobStatus;
  final: boolean;
  finished: string;
  duration: string;
} {
  return {
    status: job.status,
    final: isFinal(job.status),
    finished: timeText(job.finishedAt),
    duration: durationText(job.createdAt, job.finishedAt),
  };
}
