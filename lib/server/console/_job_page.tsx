/** @jsxImportSource npm:hono@4.13.19/jsx */
/**
 * The Job page: the record (model, datasets, handler, times, the error as recorded, kept
 * preformatted so a stack in it reads as one), live status and progress while it runs, the
 * summary as a table, per-class and confusion-matrix charts when the job logged them, a page of
 * one of its tables, its logs, and the actions a server allows.
 *
 * @module
 */

import type { FC } from "../../_deps.ts";
import type { JobRecord, JobRunProgress } from "../../sdk/mod.ts";
import { Chart, classBarsSpec, ClassTable, ConfusionTable } from "./_charts.tsx";
import { cellText, durationText, isFinal, timeText } from "./_format.ts";
import { type Frame, type Html, Layout, Notice, projectPath, Status } from "./_layout.tsx";
import { summaryEntries } from "./_metrics.ts";
import type { JobView } from "./_read.ts";
import { type TablePage, TableView } from "./_table_view.tsx";

/** The actions a job in this status allows. */
export function allowedActions(status: JobRecord["status"]): string[] {
  if (status === "RUNNING") return ["pause", "cancel"];
  if (status === "PAUSED") return ["resume", "cancel"];
  if (status === "CREATED" || status === "READY") return ["cancel"];
  if (isFinal(status)) return ["remove"];
  return [];
}

const LABELS: Record<string, string> = {
  pause: "Pause",
  resume: "Resume",
  cancel: "Cancel job",
  remove: "Remove job",
};

const Actions: FC<{ job: JobRecord; csrf: string }> = ({ job, csrf }) => {
  const allowed = allowedActions(job.status);
  const base = projectPath(job.project, `/jobs/${encodeURIComponent(job.id)}`);
  return (
    <div class="actions" aria-label="Job actions" role="group">
      {Object.entries(LABELS).map(([action, label]) => (
        <form method="post" action={`${base}/${action}`}>
          <input type="hidden" name="csrf" value={csrf} />
          <button
            type="submit"
            class={action === "cancel" || action === "remove" ? "danger" : undefined}
            data-action={action}
            hidden={!allowed.includes(action)}
          >
            {label}
          </button>
        </form>
      ))}
    </div>
  );
};

const Record: FC<{ job: JobRecord; progress?: JobRunProgress }> = ({ job, progress }) => {
  return (
    <section aria-labelledby="record-title">
      <h2 id="record-title">Record</h2>
      <dl class="record">
        <dt>ID</dt>
        <dd class="mono">{job.id}</dd>
        <dt>Status</dt>
        <dd>
          <Status status={job.status} field />
        </dd>
        <dt>Model</dt>
        <dd>
          {job.model
            ? (
              <a href={projectPath(job.project, `/jobs?model=${encodeURIComponent(job.model)}`)}>
                {job.model}
              </a>
            )
            : "—"}
          {job.modelVersion
            ? <span class="mono muted">{` ${job.modelVersion.slice(0, 12)}`}</span>
            : null}
        </dd>
        <dt>Datasets</dt>
        <dd>{job.datasets.join(", ") || "—"}</dd>
        <dt>Handler</dt>
        <dd class="mono">{job.handler ?? "—"}</dd>
        <dt>Created (UTC)</dt>
        <dd>{timeText(job.createdAt)}</dd>
        <dt>Finished (UTC)</dt>
        <dd>{timeText(job.finishedAt)}</dd>
        <dt>Duration</dt>
        <dd data-field="duration">{durationText(job.createdAt, job.finishedAt)}</dd>
      </dl>
      <p data-field="progress" hidden={!progress} aria-live="polite">
        <progress max={progress?.total ?? 1} value={progress?.done ?? 0}></progress>{" "}
        <span data-field="progress-text">{progress?.text ?? ""}</span>
      </p>
      {job.errorMessage
        ? (
          <section aria-labelledby="error-title">
            <h2 id="error-title">Error</h2>
            <pre role="alert">{job.errorMessage}</pre>
          </section>
        )
        : null}
    </section>
  );
};

const KeyValues: FC<{ id?: string; entries: { key: string; value: unknown }[] }> = (
  { id, entries },
) => (
  <div class="scroll">
    <table id={id} class="narrow">
      <thead>
        <tr>
          <th scope="col">key</th>
          <th scope="col">value</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr data-key={e.key}>
            <th scope="row">{e.key}</th>
            <td class={typeof e.value === "number" ? "num" : undefined}>{cellText(e.value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);

const Summary: FC<{ view: JobView }> = ({ view }) => {
  const entries = summaryEntries(view.summary);
  const logged = entries.filter((e) => !e.key.startsWith("sys/"));
  const sys = entries.filter((e) => e.key.startsWith("sys/"));
  return (
    <section aria-labelledby="summary-title">
      <h2 id="summary-title">Summary</h2>
      {logged.length === 0 && view.classes.length === 0
        ? <Notice>Nothing logged yet.</Notice>
        : <KeyValues id="summary" entries={logged} />}
      {sys.length
        ? (
          <details>
            <summary>Server columns (sys/*)</summary>
            <KeyValues entries={sys} />
          </details>
        )
        : null}
    </section>
  );
};

const Charts: FC<{ view: JobView }> = ({ view }) => {
  if (view.classes.length === 0 && !view.confusion) return null;
  const worst = [...view.classes].sort((a, b) => (a.f1 ?? 1) - (b.f1 ?? 1))[0];
  return (
    <section aria-labelledby="charts-title">
      <h2 id="charts-title">Charts</h2>
      <div class="charts">
        {view.classes.length
          ? (
            <Chart
              id="per-class"
              caption="Precision, recall and F1 per class"
              spec={classBarsSpec(view.classes)}
              summary={`Bar chart of ${view.classes.length} classes; lowest F1: class ${worst?.label} (${
                cellText(worst?.f1)
              }). The numbers are in the per-class table.`}
            />
          )
          : null}
        {view.confusion
          ? (
            <div>
              <Chart
                id="confusion"
                caption={`Confusion matrix (${view.confusion.table})`}
                spec={{
                  kind: "heatmap",
                  labels: view.confusion.labels,
                  counts: view.confusion.counts,
                }}
                summary={`Heatmap of ${view.confusion.labels.length} true by predicted classes; the counts are in the table below.`}
              />
              <details>
                <summary>Confusion matrix as a table</summary>
                <ConfusionTable matrix={view.confusion} />
              </details>
            </div>
          )
          : null}
      </div>
      {view.classes.length
        ? (
          <details open>
            <summary>Per-class table</summary>
            <ClassTable metrics={view.classes} />
          </details>
        )
        : null}
    </section>
  );
};

const Logs: FC<{ logs?: string[] }> = ({ logs }) => (
  <section aria-labelledby="logs-title">
    <h2 id="logs-title">Logs</h2>
    {logs === undefined
      ? <Notice>This instance keeps no logs of its jobs.</Notice>
      : logs.length === 0
      ? <Notice>No log lines captured.</Notice>
      : <pre tabindex={0} aria-label="Job log">{logs.join("\n")}</pre>}
  </section>
);

/** The Job page. */
export const JobPage = (
  { view, table, frame, csrf, flash }: {
    view: JobView;
    table?: TablePage;
    frame: Frame;
    csrf?: string;
    flash?: string;
  },
): Html => {
  const job = view.job;
  const live = isFinal(job.status)
    ? undefined
    : projectPath(job.project, `/jobs/${encodeURIComponent(job.id)}/live`);
  return (
    <Layout frame={frame}>
      <article data-live-url={live}>
        <h1>
          Job <span class="mono">{job.id.slice(0, 12)}</span>
        </h1>
        {flash ? <Notice error>{flash}</Notice> : null}
        {csrf && !frame.readOnly ? <Actions job={job} csrf={csrf} /> : null}
        <div class="overview">
          <Record job={job} progress={view.progress} />
          <Summary view={view} />
        </div>
        <Charts view={view} />
        <section aria-labelledby="tables-title">
          <h2 id="tables-title">Tables</h2>
          {view.tables.length === 0 ? <Notice>No tables.</Notice> : (
            <ul>
              {view.tables.map((t) => (
                <li>
                  <a
                    href={projectPath(
                      job.project,
                      `/jobs/${encodeURIComponent(job.id)}/table?table=${encodeURIComponent(t)}`,
                    )}
                  >
                    {t}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
        {table ? <TableView ref={job} page={table} tables={view.tables} /> : null}
        <Logs logs={view.logs} />
      </article>
    </Layout>
  );
};
