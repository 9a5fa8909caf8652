// Charts drawn as SVG on the server: the PDF shows what the data says without a browser
// running scripts or a screenshot of Grafana. Pure functions of their numbers.
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const f = (n: number) => (Math.round(n * 10) / 10).toString();

export interface LineSeries {
  name: string;
  colour: string;
  values: Array<[number, number]>;
}

/** A line chart of series over time; `xLabel` formats a time tick, `yLabel` a value tick. */
export function lineChart(series: LineSeries[], opts: { width: number; height: number; xLabel: (t: number) => string; yLabel: (v: number) => string }): string {
  const { width, height } = opts;
  const left = 60;
  const bottom = 24;
  const top = 10;
  const right = 10;
  const all = series.flatMap((s) => s.values);
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"></svg>`;
  const t0 = Math.min(...all.map(([t]) => t));
  const t1 = Math.max(...all.map(([t]) => t), t0 + 1);
  const vMax = Math.max(...all.map(([, v]) => v), 1e-9) * 1.1;
  const x = (t: number) => left + ((t - t0) / (t1 - t0)) * (width - left - right);
  const y = (v: number) => top + (1 - v / vMax) * (height - top - bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((k) => {
    const v = vMax * k;
    return `<line x1="${left}" x2="${width - right}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#ddd"/><text x="${left - 4}" y="${f(y(v) + 4)}" text-anchor="end" font-size="9">${esc(opts.yLabel(v))}</text>`;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((k) => {
    const t = t0 + (t1 - t0) * k;
    return `<text x="${f(x(t))}" y="${height - 6}" text-anchor="middle" font-size="9">${esc(opts.xLabel(t))}</text>`;
  });
  const lines = series.map((s) => {
    const d = s.values.map(([t, v], i) => `${i ? 'L' : 'M'}${f(x(t))},${f(y(v))}`).join('');
    const dots = s.values.length === 1 ? `<circle cx="${f(x(s.values[0][0]))}" cy="${f(y(s.values[0][1]))}" r="3" fill="${s.colour}"/>` : '';
    return `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="1.5"><title>${esc(s.name)}</title></path>${dots}`;
  });
  const legend = series.map((s, i) => `<rect x="${left + i * 130}" y="0" width="10" height="8" fill="${s.colour}"/><text x="${left + 14 + i * 130}" y="8" font-size="9">${esc(s.name)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 12}" viewBox="0 -12 ${width} ${height + 12}" font-family="sans-serif">${legend.join('')}${grid.join('')}${ticks.join('')}${lines.join('')}</svg>`;
}

export interface Bar {
  label: string;
  value: number;
  colour: string;
  /** Text written after the bar (the formatted value). */
  text: string;
  /** A mark on the bar's scale, e.g. the code's slow threshold. */
  mark?: number;
}

/** Horizontal bars, one per row, on one scale. */
export function barChart(bars: Bar[], opts: { width: number; rowHeight?: number; textWidth?: number; max?: number }): string {
  const row = opts.rowHeight ?? 16;
  const labelW = 150;
  const textW = opts.textWidth ?? 90;
  // A fixed scale (shares: 0 to 1) or the largest bar's.
  const max = opts.max ?? Math.max(...bars.map((b) => Math.max(b.value, b.mark ?? 0)), 1e-9);
  const w = (v: number) => (v / max) * (opts.width - labelW - textW);
  const rows = bars.map((b, i) => {
    const yy = i * row;
    const mark = b.mark === undefined ? '' : `<line x1="${f(labelW + w(b.mark))}" x2="${f(labelW + w(b.mark))}" y1="${yy}" y2="${yy + row - 3}" stroke="#000" stroke-width="1.5"/>`;
    return `<text x="${labelW - 4}" y="${yy + row - 5}" text-anchor="end" font-size="10">${esc(b.label)}</text><rect x="${labelW}" y="${yy + 1}" width="${f(Math.max(w(b.value), 0.5))}" height="${row - 4}" fill="${b.colour}"/>${mark}<text x="${f(labelW + w(b.value) + 4)}" y="${yy + row - 5}" font-size="10">${esc(b.text)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${opts.width}" height="${bars.length * row}" font-family="sans-serif">${rows.join('')}</svg>`;
}
