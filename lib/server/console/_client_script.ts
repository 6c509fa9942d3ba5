/**
 * The console's browser script, served as `/assets/console.js`. Every page works without it;
 * with it: charts are drawn (Chart.js, when the page loaded it), running jobs update in place,
 * and table paging swaps the table without reloading the page.
 *
 * @module
 */

/** The script text. */
export const CLIENT_SCRIPT = String.raw`"use strict";
(() => {
  const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];
  const POLL_MS = 1500;

  function json(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : undefined;
  }

  function barsConfig(spec) {
    return {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map((s, i) => ({
          label: s.label, data: s.data, backgroundColor: PALETTE[i % PALETTE.length],
        })),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { min: 0, max: spec.max ?? undefined, title: { display: !!spec.yTitle, text: spec.yTitle } },
          x: { title: { display: !!spec.xTitle, text: spec.xTitle } } },
        plugins: { legend: { position: "bottom" } },
      },
    };
  }

  function heatmapConfig(spec) {
    const n = spec.labels.length;
    const max = Math.max(1, ...spec.counts.flat());
    const data = [];
    spec.counts.forEach((row, i) => row.forEach((v, j) => data.push({ x: spec.labels[j], y: spec.labels[i], v })));
    const shade = (v) => {
      const t = v / max;
      const mix = (a, b) => Math.round(a + (b - a) * t);
      return "rgb(" + mix(247, 8) + "," + mix(251, 48) + "," + mix(255, 107) + ")";
    };
    return {
      type: "matrix",
      data: { datasets: [{
        label: "rows", data,
        backgroundColor: (c) => shade(c.raw ? c.raw.v : 0),
        borderColor: "#d0d7de", borderWidth: 1,
        width: ({ chart }) => (chart.chartArea || {}).width / n - 1,
        height: ({ chart }) => (chart.chartArea || {}).height / n - 1,
      }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: {
          title: () => "",
          label: (c) => "true " + c.raw.y + ", predicted " + c.raw.x + ": " + c.raw.v,
        } } },
        scales: {
          x: { type: "category", labels: spec.labels, offset: true, grid: { display: false },
            title: { display: true, text: "predicted" } },
          // Chart.js puts a vertical category axis's first label at the bottom: true class 0 on top.
          y: { type: "category", labels: [...spec.labels].reverse(), offset: true,
            grid: { display: false }, title: { display: true, text: "true" } },
        },
      },
    };
  }

  function drawPixels(root) {
    for (const canvas of root.querySelectorAll("canvas[data-pixels]")) {
      const bytes = atob(canvas.dataset.pixels);
      const image = canvas.getContext("2d").createImageData(canvas.width, canvas.height);
      for (let i = 0; i < bytes.length; i++) {
        const v = bytes.charCodeAt(i);
        image.data.set([v, v, v, 255], i * 4);
      }
      canvas.getContext("2d").putImageData(image, 0, 0);
    }
  }

  function drawCharts(root) {
    if (typeof Chart === "undefined") return;
    for (const canvas of root.querySelectorAll("canvas[data-chart]")) {
      if (canvas.dataset.drawn) continue;
      const spec = json(canvas.dataset.chart);
      if (!spec) continue;
      new Chart(canvas, spec.kind === "heatmap" ? heatmapConfig(spec) : barsConfig(spec));
      canvas.dataset.drawn = "1";
    }
  }

  async function getJson(url) {
    const r = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" });
    if (!r.ok) throw new Error(url + ": HTTP " + r.status);
    return r.json();
  }

  function setStatus(el, status) {
    if (!el || el.textContent === status) return;
    el.textContent = status;
    el.className = "status status-" + status;
  }

  function later(fn) {
    setTimeout(() => document.hidden
      ? document.addEventListener("visibilitychange", fn, { once: true })
      : fn(), POLL_MS);
  }

  function watchList(table) {
    const tick = async () => {
      const rows = [...table.querySelectorAll("tr[data-live]")];
      if (rows.length === 0) return;
      try {
        const ids = rows.map((r) => r.dataset.job).join(",");
        const data = await getJson(table.dataset.statusUrl + "?ids=" + encodeURIComponent(ids));
        for (const row of rows) {
          const s = data.jobs[row.dataset.job];
          if (!s) { delete row.dataset.live; continue; } // removed meanwhile
          setStatus(row.querySelector("[data-field=status]"), s.status);
          row.querySelector("[data-field=finished]").textContent = s.finished;
          row.querySelector("[data-field=duration]").textContent = s.duration;
          if (s.final) delete row.dataset.live;
        }
      } catch (_) { /* the next tick tries again */ }
      later(tick);
    };
    later(tick);
  }

  function watchJob(section) {
    const tick = async () => {
      try {
        const s = await getJson(section.dataset.liveUrl);
        setStatus(document.querySelector("[data-field=status]"), s.status);
        const d = document.querySelector("[data-field=duration]");
        if (d) d.textContent = s.duration;
        const p = document.querySelector("[data-field=progress]");
        if (p && s.progress) {
          p.hidden = false;
          const bar = p.querySelector("progress");
          if (s.progress.total) { bar.max = s.progress.total; bar.value = s.progress.done; }
          p.querySelector("[data-field=progress-text]").textContent = s.progress.text;
        }
        for (const b of document.querySelectorAll("[data-action]")) {
          b.hidden = !(s.actions || []).includes(b.dataset.action);
        }
        if (s.final) { location.reload(); return; }
      } catch (_) { /* the next tick tries again */ }
      later(tick);
    };
    later(tick);
  }

  async function swap(url, target, push) {
    const r = await fetch(url, { credentials: "same-origin" });
    if (!r.ok) { location.href = url; return; }
    const doc = new DOMParser().parseFromString(await r.text(), "text/html");
    const fresh = doc.getElementById(target.id);
    if (!fresh) { location.href = url; return; }
    target.replaceWith(fresh);
    if (push) history.pushState({ swap: target.id }, "", url);
    enhance(fresh);
    const focus = fresh.querySelector("[data-focus]") || fresh;
    focus.setAttribute("tabindex", "-1");
    focus.focus();
  }

  function enhance(root) {
    drawCharts(root);
    drawPixels(root);
    for (const a of root.querySelectorAll("a[data-swap]")) {
      a.addEventListener("click", (e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        swap(a.href, document.getElementById(a.dataset.swap), true);
      });
    }
    for (const f of root.querySelectorAll("form[data-swap]")) {
      f.addEventListener("submit", (e) => {
        e.preventDefault();
        const url = new URL(f.action, location.href);
        url.search = new URLSearchParams(new FormData(f)).toString();
        swap(url.href, document.getElementById(f.dataset.swap), true);
      });
    }
  }

  addEventListener("popstate", () => location.reload());
  addEventListener("DOMContentLoaded", () => {
    enhance(document);
    for (const t of document.querySelectorAll("[data-status-url]")) watchList(t);
    for (const s of document.querySelectorAll("[data-live-url]")) watchJob(s);
  });
})();
`;
