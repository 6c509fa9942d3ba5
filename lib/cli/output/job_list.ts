/**
 * The job list as swcli prints it: status marks, the columns of `swcli job list`, and the count
 * and page lines of a remote list.
 *
 * @module
 */

import type { JobRecord, PageInfo } from "../../sdk/mod.ts";
import { formatTime } from "./cells.ts";

/**
 * The status as swcli shows it: a mark and the lower-case status.
 *
 * @param status A job status.
 * @returns e.g. `👏success`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statusText } from "./job_list.ts";
 * assert.equal(statusText("FAIL"), "😨fail");
 * ```
 */
export function statusText(status: string): string {
  const mark = status === "SUCCESS" ? "👏" : status === "FAIL" ? "😨" : "🚜";
  return `${mark}${status.toLowerCase()}`;
}

/**
 * The columns and cells of a job list, as `swcli job list`.
 *
 * @param jobs The jobs.
 * @param options `fullname` shows the model's full version next to its name, on every instance.
 * @returns The header and the rows.
 */
export function jobListRows(
  jobs: readonly JobRecord[],
  options: { fullname?: boolean } = {},
): { columns: string[]; rows: string[][] } {
  const columns = [
    "ID",
    "Model",
    "Datasets",
    "Runtime",
    "Status",
    "Resource",
    "Created At",
    "Finished At",
  ];
  const rows = jobs.map((j) => [
    j.id,
    j.model
      ? (options.fullname && j.modelVersion ? `${j.model}/version/${j.modelVersion}` : j.model)
      : "--",
    j.datasets.length ? j.datasets.join(", ") : "--",
    "--",
    statusText(j.status),
    "--",
    formatTime(j.createdAt),
    formatTime(j.finishedAt),
  ]);
  return { columns, rows };
}

/**
 * The count and page lines under a remote list.
 *
 * @param page The page information of the list.
 * @returns Two lines.
 */
export function pageText(page: PageInfo): string {
  const p = page.page;
  return `🐑 Counts: ${page.current}/${page.total}, ${page.remain} items does not show.\n` +
    `🦋 Pages: page_num[${p.pageNum}], page_size[${p.pageSize}], total_pages[${p.pages}]` +
    `${p.hasNextPage ? `, next: --page ${p.nextPage}` : ""}\n`;
}
