/** @jsxImportSource npm:hono@4.13.19/jsx */
/**
 * The Models and Datasets pages (names, versions, tags, sizes) and the Dataset page with the
 * first rows of one version.
 *
 * @module
 */

import type { FC } from "../../_deps.ts";
import type { DatasetRecord, DatasetRow, ModelRecord } from "../../sdk/mod.ts";
import { cellText, timeText } from "./_format.ts";
import { type Frame, type Html, Layout, Notice, projectPath } from "./_layout.tsx";

/** The side of a square grayscale image `bytes` could be (8x8 to 64x64), or 0. */
export function imageSide(bytes: Uint8Array): number {
  const side = Math.round(Math.sqrt(bytes.length));
  return side >= 8 && side <= 64 && side * side === bytes.length ? side : 0;
}

/** A feature value: square byte arrays (images such as MNIST digits) drawn, the rest as text. */
const Feature: FC<{ value: unknown }> = ({ value }) => {
  const side = value instanceof Uint8Array ? imageSide(value) : 0;
  if (!side) return <>{cellText(value)}</>;
  const bytes = value as Uint8Array;
  return (
    <canvas
      class="pixels"
      width={side}
      height={side}
      data-pixels={btoa(String.fromCharCode(...bytes))}
      role="img"
      aria-label={`${side}×${side} grayscale image (${bytes.length} bytes)`}
    >
      {cellText(value)}
    </canvas>
  );
};

const Tags: FC<{ tags: string[] }> = ({ tags }) => <>{tags.join(", ") || "—"}</>;

const Unlisted: FC<{ what: string }> = ({ what }) => (
  <Notice>This instance cannot list its {what} through the API; use swcli on the server.</Notice>
);

/** The Models page. */
export const ModelsPage = (
  { frame, models }: { frame: Frame; models?: ModelRecord[] },
): Html => (
  <Layout frame={frame}>
    <h1>Models</h1>
    {!models
      ? <Unlisted what="models" />
      : models.length === 0
      ? <Notice>No models.</Notice>
      : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">name</th>
                <th scope="col">version</th>
                <th scope="col">tags</th>
                <th scope="col">created (UTC)</th>
                <th scope="col" class="num">size</th>
                <th scope="col">handlers</th>
              </tr>
            </thead>
            <tbody>
              {models.map((m) => (
                <tr>
                  <th scope="row">
                    <a href={projectPath(m.project, `/jobs?model=${encodeURIComponent(m.name)}`)}>
                      {m.name}
                    </a>
                  </th>
                  <td class="mono" title={m.version}>{m.version.slice(0, 12)}</td>
                  <td>
                    <Tags tags={m.tags} />
                  </td>
                  <td>{timeText(m.createdAt)}</td>
                  <td class="num">{m.size.toLocaleString("en")} B</td>
                  <td class="mono">{m.handlers.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
  </Layout>
);

function datasetPath(project: string, d: { name: string; version: string }): string {
  return projectPath(
    project,
    `/datasets/${encodeURIComponent(d.name)}?version=${encodeURIComponent(d.version)}`,
  );
}

/** The Datasets page. */
export const DatasetsPage = (
  { frame, project, datasets }: { frame: Frame; project: string; datasets?: DatasetRecord[] },
): Html => (
  <Layout frame={frame}>
    <h1>Datasets</h1>
    {!datasets
      ? <Unlisted what="datasets" />
      : datasets.length === 0
      ? <Notice>No datasets.</Notice>
      : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">name</th>
                <th scope="col">version</th>
                <th scope="col">tags</th>
                <th scope="col">created (UTC)</th>
                <th scope="col" class="num">rows</th>
              </tr>
            </thead>
            <tbody>
              {datasets.map((d) => (
                <tr>
                  <th scope="row">
                    <a href={datasetPath(project, d)}>{d.name}</a>
                  </th>
                  <td class="mono" title={d.version}>{d.version.slice(0, 12)}</td>
                  <td>
                    <Tags tags={d.tags} />
                  </td>
                  <td>{timeText(d.createdAt)}</td>
                  <td class="num">{d.rows.toLocaleString("en")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
  </Layout>
);

/** The Dataset page: the version's record and its first rows. */
export const DatasetPage = (
  { frame, record, rows }: { frame: Frame; record: DatasetRecord; rows?: DatasetRow[] },
): Html => {
  const columns = [...new Set((rows ?? []).flatMap((r) => Object.keys(r.features)))];
  return (
    <Layout frame={frame}>
      <h1>Dataset {record.name}</h1>
      <dl class="record">
        <dt>Version</dt>
        <dd class="mono">{record.version}</dd>
        <dt>Tags</dt>
        <dd>
          <Tags tags={record.tags} />
        </dd>
        <dt>Created (UTC)</dt>
        <dd>{timeText(record.createdAt)}</dd>
        <dt>Rows</dt>
        <dd>{record.rows.toLocaleString("en")}</dd>
      </dl>
      <h2>First rows</h2>
      {!rows
        ? <Notice>This instance cannot read dataset rows through the API.</Notice>
        : (
          <div class="scroll">
            <table id="dataset-rows">
              <thead>
                <tr>
                  <th scope="col">id</th>
                  {columns.map((c) => <th key={c} scope="col">{c}</th>)}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr>
                    <th scope="row">{cellText(r.id)}</th>
                    {columns.map((c) => (
                      <td key={c}>
                        <Feature value={r.features[c]} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </Layout>
  );
};
