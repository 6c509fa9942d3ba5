/** @jsxImportSource npm:hono@4.13.19/jsx */
/**
 * The Compare page: two to five jobs side by side, their summary keys aligned, the rows whose
 * values differ marked (with a sign, not colour alone), and per-class precision, recall and F1
 * overlaid, one series per job.
 *
 * @module
 */

import type { FC } from "../../_deps.ts";
import type { Instance, JobRecord, Row } from "../../sdk/mod.ts";
import { Chart, overlaySpec } from "./_charts.tsx";
import { cellText, shortId } from "./_format.ts";
import { type Frame, type Html, Layout, Notice, projectPath, Status } from "./_layout.tsx";
import { alignedKeys, type ClassMetrics, classMetricsOfSummary } from "./_metrics.ts";
import { storedSummary } from "./_read.ts";

/** Fewest and most jobs compared. */
export const COMPARE_RANGE: readonly [number, number] = [2, 5];

/** One compared job. */
export interface Compared {
  job: JobRecord;
  summary: Row;
  classes: ClassMetrics[];
}

/**
 * Reads the jobs to compare.
 *
 * @throws {RangeError} Fewer than 2 or more than 5 distinct ids. {NotFoundError} An unknown job.
 */
export async function readCompared(
  instance: Instance,
  where: { project: string; ids: string[] },
): Promise<Compared[]> {
  const ids = [
    ...new Set(where.ids.flatMap((i) => i.split(",")).map((i) => i.trim()).filter(Boolean)),
  ];
  const [min, max] = COMPARE_RANGE;
  if (ids.length < min || ids.length > max) {
    throw new RangeError(`Cannot compare ${ids.length} job(s): choose ${min} to ${max} jobs`);
  }
  return await Promise.all(ids.map(async (id) => {
    const job = await instance.getJob({ project: where.project, id });
    const summary = await storedSummary(instance, { project: where.project, id: job.id });
    return { job, summary, classes: classMetricsOfSummary(summary) };
  }));
}

function same(values: unknown[]): boolean {
  const texts = values.map(cellText);
  return texts.every((t) => t === texts[0]);
}

const CompareTable: FC<
  { id: string; project: string; jobs: Compared[]; keys: string[]; head?: boolean }
> = ({ id, project, jobs, keys, head }) => (
  <div class="scroll">
    <table id={id}>
      <thead>
        <tr>
          <th scope="col">key</th>
          {jobs.map((j) => (
            <th scope="col">
              <a href={projectPath(project, `/jobs/${encodeURIComponent(j.job.id)}`)} class="mono">
                {shortId(j.job.id)}
              </a>
              {head
                ? (
                  <>
                    <br />
                    <Status status={j.job.status} />
                  </>
                )
                : null}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {head
          ? (
            <tr>
              <th scope="row">model</th>
              {jobs.map((j) => <td key={j.job.id}>{j.job.model ?? "—"}</td>)}
            </tr>
          )
          : null}
        {keys.map((k) => {
          const values = jobs.map((j) => j.summary[k]);
          return (
            <tr class={same(values) ? undefined : "differs"} data-key={k}>
              <th scope="row">{k}</th>
              {values.map((v) => (
                <td class={typeof v === "number" ? "num" : undefined}>
                  {v === undefined ? "—" : cellText(v)}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  </div>
);

/** The Compare page; without jobs it explains how to choose them. */
export const ComparePage = (
  { frame, project, jobs, error }: {
    frame: Frame;
    project: string;
    jobs?: Compared[];
    error?: string;
  },
): Html => {
  if (!jobs) {
    return (
      <Layout frame={frame}>
        <h1>Compare jobs</h1>
        {error ? <Notice error>{error}</Notice> : null}
        <p>
          Select two to five jobs on the <a href={projectPath(project, "/jobs")}>Jobs</a>{" "}
          page and press “Compare selected”.
        </p>
      </Layout>
    );
  }
  const keys = alignedKeys(jobs.map((j) => j.summary));
  const differing = keys.filter((k) => !same(jobs.map((j) => j.summary[k]))).length;
  const withClasses = jobs.filter((j) => j.classes.length);
  const series = withClasses.map((j) => ({ label: shortId(j.job.id), metrics: j.classes }));
  const perClass = keys.filter((k) => k.startsWith("labels/"));
  const sys = keys.filter((k) => k.startsWith("sys/"));
  const plain = keys.filter((k) => !perClass.includes(k) && !sys.includes(k));
  return (
    <Layout frame={{ ...frame, charts: withClasses.length > 0 }}>
      <h1>Compare {jobs.length} jobs</h1>
      <p class="muted">{differing} of {keys.length} summary keys differ (rows marked ≠).</p>
      <CompareTable id="compare" project={project} jobs={jobs} keys={plain} head />
      {series.length
        ? (
          <section aria-labelledby="overlay-title">
            <h2 id="overlay-title">Per class</h2>
            <div class="charts">
              {(["f1", "precision", "recall"] as const).map((m) => (
                <Chart
                  id={`overlay-${m}`}
                  caption={`${
                    m === "f1" ? "F1" : m[0].toUpperCase() + m.slice(1)
                  } per class, by job`}
                  spec={overlaySpec(m, series)}
                  summary={`Bar chart of ${m} per class for ${series.length} jobs; the values are the labels/* rows of the table above.`}
                />
              ))}
            </div>
          </section>
        )
        : <Notice>None of these jobs logged per-class metrics.</Notice>}
    </Layout>
  );
};
