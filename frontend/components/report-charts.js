// The summary report's charts, drawn as inline SVG built node by node (no library, no
// inline style: the strict CSP holds; colours come from classes in styles.css). Each chart
// is an image with a text name, and the page always shows the same numbers in a table, so
// nothing is only in the picture.

import { h, uniqueId } from "../dom.js";

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element: attributes set as they are, strings as text. */
function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) {
      element.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function shorten(text, limit) {
  const flat = String(text);
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

// On a phone the chart keeps a readable size and scrolls sideways in a region of its own
// (reachable and scrollable with the keyboard), as the tables do; the page itself does not.
function figure(caption, svg) {
  return h(
    "figure",
    { class: "chart" },
    h("figcaption", { class: "chart__caption" }, caption),
    h("div", { class: "chart__scroll", role: "region", "aria-label": caption, tabindex: "0" }, svg),
  );
}

const WIDTH = 640;
const LABEL = 210;
const BAR = 320;
const ROW = 30;

/**
 * Horizontal bars, one per row: { name, value, low?, high?, text }. `max` is the value of a
 * full bar; `low`/`high`, when given, draw an interval across the bar (a confidence
 * interval). `describe` is the chart's text name for screen readers.
 */
export function barChart({ caption, describe, rows, max }) {
  const titleId = uniqueId("chart-title");
  const height = Math.max(rows.length, 1) * ROW + 8;
  const scale = (value) => (max > 0 ? (Math.max(0, Math.min(value, max)) / max) * BAR : 0);
  const svg = s(
    "svg",
    {
      class: "chart__svg",
      viewBox: `0 0 ${WIDTH} ${height}`,
      role: "img",
      "aria-labelledby": titleId,
      preserveAspectRatio: "xMinYMin meet",
    },
    s("title", { id: titleId }, describe),
    rows.map((row, index) => {
      const y = 4 + index * ROW;
      const middle = y + ROW / 2;
      const parts = [
        s("title", {}, `${row.name}: ${row.text}`),
        s(
          "text",
          {
            class: "chart__label",
            x: LABEL - 8,
            y: middle,
            "text-anchor": "end",
            "dominant-baseline": "middle",
          },
          shorten(row.name, 28),
        ),
        s("rect", { class: "chart__track", x: LABEL, y: y + 6, width: BAR, height: ROW - 12 }),
        row.value === null || row.value === undefined
          ? null
          : s("rect", {
              class: "chart__bar",
              x: LABEL,
              y: y + 6,
              width: scale(row.value).toFixed(1),
              height: ROW - 12,
            }),
      ];
      if (
        row.low !== null &&
        row.low !== undefined &&
        row.high !== null &&
        row.high !== undefined
      ) {
        const x1 = LABEL + scale(row.low);
        const x2 = LABEL + scale(row.high);
        parts.push(
          s("line", { class: "chart__interval", x1, x2, y1: middle, y2: middle }),
          s("line", { class: "chart__interval", x1, x2: x1, y1: y + 9, y2: y + ROW - 9 }),
          s("line", { class: "chart__interval", x1: x2, x2, y1: y + 9, y2: y + ROW - 9 }),
        );
      }
      parts.push(
        s(
          "text",
          { class: "chart__value", x: LABEL + BAR + 8, y: middle, "dominant-baseline": "middle" },
          row.text,
        ),
      );
      return s("g", { class: "chart__row" }, parts);
    }),
  );
  return figure(caption, svg);
}

/**
 * Columns over days: `days` is [{ day, parts: [n, …] }], one value per series, stacked;
 * `series` names them ([{ name, className }]). The first, middle and last days are labelled.
 * With `grouped`, each day's values stand side by side instead (for series that do not add
 * up, such as visits and posts). A value below zero is drawn as no column (its number is
 * still in the column's text and the page's table).
 */
export function columnChart({ caption, describe, days, series, grouped = false }) {
  const titleId = uniqueId("chart-title");
  const height = 230;
  const left = 48;
  const bottom = 190;
  const top = 12;
  const plot = WIDTH - left - 8;
  const drawn = (value) => Math.max(0, value);
  const totals = days.map((d) =>
    grouped ? Math.max(0, ...d.parts) : d.parts.reduce((sum, n) => sum + drawn(n), 0),
  );
  const max = Math.max(1, ...totals);
  const step = plot / Math.max(days.length, 1);
  const barWidth = Math.max(1, Math.min(step * 0.8, grouped ? 16 * series.length : 48));
  const partWidth = grouped ? barWidth / Math.max(series.length, 1) : barWidth;
  const y = (value) => bottom - (value / max) * (bottom - top);
  const labelled = new Set([0, Math.floor((days.length - 1) / 2), days.length - 1]);
  const svg = s(
    "svg",
    {
      class: "chart__svg",
      viewBox: `0 0 ${WIDTH} ${height}`,
      role: "img",
      "aria-labelledby": titleId,
      preserveAspectRatio: "xMinYMin meet",
    },
    s("title", { id: titleId }, describe),
    s("line", { class: "chart__axis", x1: left, x2: WIDTH - 8, y1: bottom, y2: bottom }),
    s("line", { class: "chart__axis", x1: left, x2: left, y1: top, y2: bottom }),
    s(
      "text",
      {
        class: "chart__tick",
        x: left - 6,
        y: top,
        "text-anchor": "end",
        "dominant-baseline": "middle",
      },
      max,
    ),
    s(
      "text",
      {
        class: "chart__tick",
        x: left - 6,
        y: bottom,
        "text-anchor": "end",
        "dominant-baseline": "middle",
      },
      0,
    ),
    days.map((d, index) => {
      const x = left + index * step + (step - barWidth) / 2;
      let base = 0;
      const bars = d.parts.map((value, part) => {
        const shown = drawn(value);
        const rect = s("rect", {
          class: ["chart__column", series[part].className].join(" "),
          x: (grouped ? x + part * partWidth : x).toFixed(1),
          y: y(base + shown).toFixed(1),
          width: partWidth.toFixed(1),
          height: (y(base) - y(base + shown)).toFixed(1),
        });
        if (!grouped) base += shown;
        return rect;
      });
      const words = series.map((one, part) => `${d.parts[part]} ${one.name}`).join(", ");
      return s(
        "g",
        { class: "chart__day" },
        s("title", {}, `${d.day}: ${words}`),
        bars,
        labelled.has(index)
          ? s(
              "text",
              {
                class: "chart__tick",
                x: (x + barWidth / 2).toFixed(1),
                y: bottom + 18,
                "text-anchor": "middle",
              },
              d.day,
            )
          : null,
      );
    }),
  );
  const key = h(
    "ul",
    { class: "chart__key" },
    series.map((one) =>
      h(
        "li",
        { class: "chart__key-item" },
        h("span", { class: ["chart__swatch", one.className] }),
        one.name,
      ),
    ),
  );
  const made = figure(caption, svg);
  made.append(key);
  return made;
}
