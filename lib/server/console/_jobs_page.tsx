/** @jsxImportSource npm:hono@4.13.19/jsx */
/**
 * The Jobs page: a project's jobs newest first, paged, filtered by status and model, with the
 * status of running jobs kept live by the script; and a form to compare the selected jobs.
 *
 * @module
 */

import type { FC } from "../../_deps.ts";
import { JOB_STATUSES, type JobRecord, type PageInfo } from "../../sdk/mod.ts";
import { durationText, isFinal, shortId, timeText } from "./_format.ts";
import { type Frame, type Html, Layout, Notice, projectPath, Status } from "./_layout.tsx";

/** What the Jobs page shows. */
export interface JobsView {
  /** The project. */
  project: string;
  /** This page's jobs. */
  jobs: JobRecord[];
  /** Paging. */
  page: PageInfo;
  /** The filters applied. */
  filters: { status?: string; model?: string };
  /** Model names for the filter's suggestions. */
  models: string[];
}

/** The query string of a jobs page. */
export function jobsQuery(filters: JobsView["filters"], page: number): string {
  const q = new URLSearchParams();
  if (filters.status) q.set("status", filters.status);
  if (filters.model) q.set("model", filters.model);
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `?${s}` : "";
}

const Filters: FC<{ view: JobsView }> = ({ view }) => (
  <form class="filters" method="get" action={projectPath(view.project, "/jobs")} role="search">
    <label>
      Status
      <select name="status">
        <option value="">any</option>
        {JOB_STATUSES.map((s) => (
          <option key={s} value={s} selected={view.filters.status === s}>{s}</option>
        ))}
      </select>
    </label>
    <label>
      Model
      <input name="model" list="model-names" value={view.filters.model ?? ""} size={16} />
    </label>
    <datalist id="model-names">{view.models.map((m) => <option key={m} value={m} />)}</datalist>
    <button type="submit">Filter</button>
  </form>
);

const Pager: FC<{ view: JobsView }> = ({ view }) => {
  const p = view.page.page;
  const at = (n: number) => projectPath(view.project, "/jobs") + jobsQuery(view.filters, n);
  return (
    <nav class="pager" aria-label="Pages">
      {p.hasPreviousPage ? <a href={at(p.prePage)} rel="prev">← Newer</a> : null}
      <span>
        Page {p.pageNum} of {Math.max(1, p.pages)} · {view.page.total} jobs
      </span>
      {p.hasNextPage ? <a href={at(p.nextPage)} rel="next">Older →</a> : null}
    </nav>
  );
};

const JobRow: FC<{ job: JobRecord; project: string }> = ({ job, project }) => (
  <tr data-job={job.id} data-live={isFinal(job.status) ? undefined : "1"}>
    <td>
      <input
        type="checkbox"
        name="jobs"
        value={job.id}
        form="compare-form"
        aria-label={`Select job ${shortId(job.id)} to compare`}
      />
    </td>
    <td class="mono">
      <a href={projectPath(project, `/jobs/${encodeURIComponent(job.id)}`)} title={job.id}>
        {shortId(job.id)}
      </a>
    </td>
    <td>
      <Status status={job.status} field />
    </td>
    <td>{job.model ?? "—"}</td>
    <td>{job.datasets.join(", ") || "—"}</td>
    <td class="mono">{job.handler ?? "—"}</td>
    <td>{timeText(job.createdAt)}</td>
    <td data-field="finished">{timeText(job.finishedAt)}</td>
    <td class="num" data-field="duration">{durationText(job.createdAt, job.finishedAt)}</td>
  </tr>
);

/** The Jobs page. */
export const JobsPage = ({ view, frame }: { view: JobsView; frame: Frame }): Html => (
  <Layout frame={frame}>
    <h1>Jobs</h1>
    <Filters view={view} />
    {view.jobs.length === 0
      ? (
        <Notice>
          No jobs{view.filters.status || view.filters.model ? " match the filters" : ""}.
        </Notice>
      )
      : (
        <>
          <form id="compare-form" method="get" action={projectPath(view.project, "/compare")}>
            <button type="submit">Compare selected (2–5)</button>
          </form>
          <div class="scroll">
            <table
              id="jobs"
              data-status-url={projectPath(view.project, "/jobs-status")}
              aria-describedby="jobs-caption"
            >
              <caption id="jobs-caption" class="skip">
                Jobs of project {view.project}, newest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">
                    <span class="skip">Select</span>
                  </th>
                  <th scope="col">ID</th>
                  <th scope="col">Status</th>
                  <th scope="col">Model</th>
                  <th scope="col">Datasets</th>
                  <th scope="col">Handler</th>
                  <th scope="col">Created (UTC)</th>
                  <th scope="col">Finished (UTC)</th>
                  <th scope="col" class="num">Duration</th>
                </tr>
              </thead>
              <tbody>
                {view.jobs.map((job) => <JobRow key={job.id} job={job} project={view.project} />)}
              </tbody>
            </table>
          </div>
        </>
      )}
    <Pager view={view} />
  </Layout>
);
