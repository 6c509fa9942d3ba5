/** @jsxImportSource npm:hono@4.13.19/jsx */
/**
 * The frame of every console page: skip link, header with the project's sections, the signed-in
 * state, and the main landmark.
 *
 * @module
 */

import type { Child, FC } from "../../_deps.ts";
import { CHART_ASSETS } from "./_assets.ts";

/** What a component renders to. */
export type Html = ReturnType<FC>;

/** What the frame needs to know about the request. */
export interface Frame {
  /** The page title (without the product name). */
  title: string;
  /** The project the page belongs to, if any. */
  project?: string;
  /** Every project, for the switcher. */
  projects?: string[];
  /** Which section of the header is current. */
  section?: "jobs" | "compare" | "models" | "datasets";
  /** The CSRF token of the session, when signed in (shows the sign-out button). */
  csrf?: string;
  /** Load the chart library. */
  charts?: boolean;
  /** Read-only console (no actions). */
  readOnly?: boolean;
}

/** Path of a project page. */
export function projectPath(project: string, rest = ""): string {
  return `/projects/${encodeURIComponent(project)}${rest}`;
}

const Nav: FC<{ frame: Frame }> = ({ frame }) => {
  if (!frame.project) return null;
  const link = (section: NonNullable<Frame["section"]>, text: string) => (
    <li>
      <a
        href={projectPath(frame.project!, `/${section}`)}
        aria-current={frame.section === section ? "page" : undefined}
      >
        {text}
      </a>
    </li>
  );
  return (
    <nav aria-label="Project">
      <ul>
        {link("jobs", "Jobs")}
        {link("compare", "Compare")}
        {link("models", "Models")}
        {link("datasets", "Datasets")}
      </ul>
    </nav>
  );
};

const ProjectSwitch: FC<{ frame: Frame }> = ({ frame }) => {
  const projects = frame.projects ?? [];
  if (!frame.project || projects.length < 2) {
    return frame.project ? <span class="muted">project {frame.project}</span> : null;
  }
  return (
    <form method="get" action="/projects">
      <label class="inline">
        Project
        <select name="project">
          {projects.map((p) => <option key={p} value={p} selected={p === frame.project}>{p}
          </option>)}
        </select>
      </label>
      <button type="submit">Open</button>
    </form>
  );
};

/** The page frame around `children`. */
export const Layout = ({ frame, children }: { frame: Frame; children?: Child }): Html => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${frame.title} · Starwhale console`}</title>
      <link rel="stylesheet" href="/assets/console.css" />
      {frame.charts
        ? CHART_ASSETS.map((a) => <script key={a} src={`/assets/${a}`} defer></script>)
        : null}
      <script src="/assets/console.js" defer></script>
    </head>
    <body>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <a class="brand" href="/">Starwhale</a>
        <ProjectSwitch frame={frame} />
        <Nav frame={frame} />
        <div class="who">
          {frame.readOnly ? <span class="muted">read-only</span> : null}
          {frame.csrf
            ? (
              <form method="post" action="/signout">
                <input type="hidden" name="csrf" value={frame.csrf} />
                <button type="submit">Sign out</button>
              </form>
            )
            : null}
        </div>
      </header>
      <main id="main">{children}</main>
    </body>
  </html>
);

/** A message box; `error` marks it as an alert. */
export const Notice = ({ error, children }: { error?: boolean; children?: Child }): Html => (
  <p class={error ? "notice error" : "notice"} role={error ? "alert" : "status"}>{children}</p>
);

/** A status with its text and colour class. */
export const Status = ({ status, field }: { status: string; field?: boolean }): Html => (
  <span class={`status status-${status}`} data-field={field ? "status" : undefined}>
    {status}
  </span>
);
