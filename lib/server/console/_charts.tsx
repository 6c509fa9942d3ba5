/** @jsxImportSource npm:hono@4.13.19/jsx */
/**
 * Chart markup: a `<canvas>` the script draws with Chart.js from a JSON description next to it,
 * labelled for assistive technology, with the numbers also in a table (charts are a view of the
 * data, never its only form).
 *
 * @module
 */

import type { Html } from "./_layout.tsx";
import { numberText, scriptJson } from "./_format.ts";
import type { ClassMetrics, ConfusionMatrix } from "./_metrics.ts";

/** Bars: one group per label, one series per metric or per job. */
export interface BarsSpec {
  kind: "bars";
  labels: string[];
  series: { label: string; data: (number | null)[] }[];
  max?: number;
  xTitle?: string;
  yTitle?: string;
}

/** A heatmap of counts. */
export interface HeatmapSpec {
  kind: "heatmap";
  labels: string[];
  counts: number[][];
}

const METRICS = [["precision", "precision"], ["recall", "recall"], ["f1", "F1"]] as const;

/** Per-class precision, recall and F1 of one job. */
export function classBarsSpec(metrics: readonly ClassMetrics[]): BarsSpec {
  return {
    kind: "bars",
    labels: metrics.map((m) => m.label),
    series: METRICS.filter(([k]) => metrics.some((m) => m[k] !== undefined)).map(([k, name]) => ({
      label: name,
      data: metrics.map((m) => m[k] ?? null),
    })),
    max: 1,
    xTitle: "class",
  };
}

/** One metric per class, one series per job (the Compare page's overlay). */
export function overlaySpec(
  metric: "precision" | "recall" | "f1",
  jobs: readonly { label: string; metrics: readonly ClassMetrics[] }[],
): BarsSpec {
  const labels = [...new Set(jobs.flatMap((j) => j.metrics.map((m) => m.label)))];
  labels.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
  return {
    kind: "bars",
    labels,
    series: jobs.map((j) => ({
      label: j.label,
      data: labels.map((l) => j.metrics.find((m) => m.label === l)?.[metric] ?? null),
    })),
    max: 1,
    xTitle: "class",
    yTitle: metric === "f1" ? "F1" : metric,
  };
}

/** A chart: caption, canvas, and its description for the script. */
export const Chart = (
  { id, caption, spec, summary }: {
    id: string;
    caption: string;
    spec: BarsSpec | HeatmapSpec;
    summary: string;
  },
): Html => (
  <figure>
    <figcaption id={`${id}-caption`}>{caption}</figcaption>
    <div class="chart-box">
      <canvas
        data-chart={`${id}-data`}
        role="img"
        aria-labelledby={`${id}-caption`}
        aria-describedby={`${id}-summary`}
      >
        {summary}
      </canvas>
    </div>
    <p id={`${id}-summary`} class="skip">{summary}</p>
    <script
      type="application/json"
      id={`${id}-data`}
      dangerouslySetInnerHTML={{ __html: scriptJson(spec) }}
    />
  </figure>
);

function shade(v: number, max: number): { bg: string; fg: string } {
  const t = max > 0 ? v / max : 0;
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return {
    bg: `rgb(${mix(247, 8)},${mix(251, 48)},${mix(255, 107)})`,
    fg: t > 0.45 ? "#ffffff" : "#1b1f24",
  };
}

/** The confusion matrix as a table of counts, shaded like the heatmap. */
export const ConfusionTable = ({ matrix }: { matrix: ConfusionMatrix }): Html => {
  const max = Math.max(0, ...matrix.counts.flat());
  return (
    <div class="scroll">
      <table class="heatmap">
        <caption class="muted">rows: true class · columns: predicted class</caption>
        <thead>
          <tr>
            <th scope="col">true \ predicted</th>
            {matrix.labels.map((l) => <th key={l} scope="col" class="num">{l}</th>)}
          </tr>
        </thead>
        <tbody>
          {matrix.counts.map((row, i) => (
            <tr>
              <th scope="row">{matrix.labels[i]}</th>
              {row.map((v, j) => {
                const c = shade(v, max);
                return <td key={j} style={`background:${c.bg};color:${c.fg}`}>{numberText(v)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};

/** Per-class metrics as a table: class, precision, recall, F1, support. */
export const ClassTable = ({ metrics }: { metrics: readonly ClassMetrics[] }): Html => (
  <div class="scroll">
    <table class="narrow">
      <thead>
        <tr>
          <th scope="col">class</th>
          <th scope="col" class="num">precision</th>
          <th scope="col" class="num">recall</th>
          <th scope="col" class="num">F1</th>
          <th scope="col" class="num">support</th>
        </tr>
      </thead>
      <tbody>
        {metrics.map((m) => (
          <tr>
            <th scope="row">{m.label}</th>
            {[m.precision, m.recall, m.f1, m.support].map((v) => (
              <td class="num">{v === undefined ? "—" : numberText(v)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);
