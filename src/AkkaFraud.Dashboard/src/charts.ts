import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { compact } from "./format";

export interface SeriesSpec {
  label: string;
  color: string;
  /** uPlot scale key; series on a second scale get their own axis on the right. */
  scale?: string;
  fill?: boolean;
  format?: (v: number) => string;
}

const WINDOW_SECONDS = 300;
/** A hole longer than this (e.g. while disconnected) is drawn as a gap, not a line. */
const GAP_SECONDS = 5;
const MAX_POINTS = WINDOW_SECONDS + 60;

const axisStroke = "#8b95a5";
const gridStroke = "rgba(255,255,255,0.06)";

/** A rolling five-minute time-series chart fed one point per metrics snapshot. */
export class StreamChart {
  private readonly plot: uPlot;
  private readonly columns: (number | null)[][];
  private readonly observer: ResizeObserver;
  private hovering = false;

  constructor(
    private readonly container: HTMLElement,
    series: SeriesSpec[],
    private readonly height = 180,
  ) {
    this.columns = [[], ...series.map(() => [])];
    const scales: uPlot.Scales = {
      x: {
        time: true,
        range: (_u, min, max) => {
          const end = Number.isFinite(max) ? max : Date.now() / 1000;
          return [Math.min(min, end - WINDOW_SECONDS), end];
        },
      },
    };
    const axes: uPlot.Axis[] = [
      {
        stroke: axisStroke,
        grid: { stroke: gridStroke },
        ticks: { stroke: gridStroke },
        space: 70,
        values: (_u, splits) => splits.map(clock),
      },
    ];
    const seenScales = new Set<string>();
    for (const s of series) {
      const key = s.scale ?? "y";
      if (seenScales.has(key)) continue;
      seenScales.add(key);
      scales[key] = { range: (_u, _min, max) => [0, niceMax(max)] };
      const fmt = s.format ?? compact;
      axes.push({
        scale: key,
        side: seenScales.size === 1 ? 3 : 1,
        stroke: seenScales.size === 1 ? axisStroke : s.color,
        grid: { show: seenScales.size === 1, stroke: gridStroke },
        ticks: { stroke: gridStroke },
        size: 50,
        values: (_u, splits) => splits.map((v) => fmt(v)),
      });
    }
    const options: uPlot.Options = {
      width: this.width(),
      height,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales,
      axes,
      series: [
        { label: "time" },
        ...series.map<uPlot.Series>((s) => ({
          label: s.label,
          scale: s.scale ?? "y",
          stroke: s.color,
          width: 1.5,
          fill: s.fill ? withAlpha(s.color, 0.12) : undefined,
          spanGaps: false,
          points: { show: false },
          value: (_u, v) => (v === null || v === undefined ? "—" : (s.format ?? compact)(v)),
        })),
      ],
    };
    this.plot = new uPlot(options, this.columns as uPlot.AlignedData, container);
    // The legend shows the newest values, or the hovered ones while the pointer is over the plot.
    this.plot.over.addEventListener("mouseenter", () => (this.hovering = true));
    this.plot.over.addEventListener("mouseleave", () => {
      this.hovering = false;
      window.setTimeout(() => this.showLatest(), 0);
    });
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(container);
  }

  /** Adds one sample at `t` (epoch seconds). */
  push(t: number, values: (number | null)[]): void {
    const xs = this.columns[0]!;
    const last = xs.length > 0 ? xs[xs.length - 1]! : null;
    if (last !== null && t <= last) return; // duplicate or out of order
    if (last !== null && t - last > GAP_SECONDS) {
      xs.push(last + 1);
      for (let i = 1; i < this.columns.length; i++) this.columns[i]!.push(null);
    }
    xs.push(t);
    for (let i = 1; i < this.columns.length; i++) {
      const v = values[i - 1];
      this.columns[i]!.push(v === undefined || v === null || !Number.isFinite(v) ? null : v);
    }
    // Keep memory bounded: drop what left the window, and never hold more than MAX_POINTS.
    let drop = 0;
    while (drop < xs.length && (xs[drop]! < t - WINDOW_SECONDS || xs.length - drop > MAX_POINTS)) drop++;
    if (drop > 0) for (const col of this.columns) col.splice(0, drop);
    this.plot.setData(this.columns as uPlot.AlignedData);
    this.showLatest();
  }

  private showLatest(): void {
    const n = this.columns[0]!.length;
    if (!this.hovering && n > 0) this.plot.setLegend({ idx: n - 1 });
  }

  resize(): void {
    const width = this.width();
    if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: this.height });
  }

  private width(): number {
    return Math.max(0, Math.floor(this.container.clientWidth));
  }
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** Epoch seconds -> local "HH:MM" on whole minutes, "HH:MM:SS" otherwise. */
function clock(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return d.getSeconds() === 0 ? hm : `${hm}:${pad2(d.getSeconds())}`;
}

function niceMax(max: number | null): number {
  if (max === null || !Number.isFinite(max) || max <= 0) return 1;
  const exp = Math.pow(10, Math.floor(Math.log10(max)));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * exp >= max * 1.05) return m * exp;
  return 10 * exp;
}

function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = parseInt(m[1]!, 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}
