const trim = (s: string): string => (s.includes(".") ? s.replace(/\.?0+$/, "") : s);

/** 999 -> "999", 12.34 -> "12.3", 15300 -> "15.3k", 2_400_000 -> "2.4M". */
export function compact(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  const abs = Math.abs(n);
  if (abs >= 1e9) return trim((n / 1e9).toFixed(1)) + "B";
  if (abs >= 1e6) return trim((n / 1e6).toFixed(1)) + "M";
  if (abs >= 1e4) return trim((n / 1e3).toFixed(1)) + "k";
  if (abs >= 1e3) return trim((n / 1e3).toFixed(2)) + "k";
  if (abs >= 100 || Number.isInteger(n)) return String(Math.round(n));
  return trim(n.toFixed(1));
}

/** Whole numbers with thousands separators: 12345 -> "12,345". */
export function integer(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return Math.round(n).toLocaleString("en-US");
}

/** A 0..1 ratio as a percentage with one decimal, without the % sign. */
export function percent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "—";
  return (ratio * 100).toFixed(1);
}

/** Milliseconds: 0.42 -> "0.4", 12.6 -> "13", 2500 -> "2,500". */
export function ms(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  if (n < 10) return trim(n.toFixed(1));
  return Math.round(n).toLocaleString("en-US");
}

export function score(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return trim(n.toFixed(2));
}

export function amount(value: number | null | undefined, currency?: string | null): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const num = value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return currency ? `${num} ${currency}` : num;
}

export function plain(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return String(n);
}

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

/** Local wall-clock time "HH:MM:SS". */
export function time(iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return iso ?? "—";
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local "YYYY-MM-DD HH:MM:SS.mmm". */
export function dateTime(iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return iso ?? "—";
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}

/** Short local date-time for tables: "MM-DD HH:MM:SS". */
export function shortDateTime(iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return iso ?? "—";
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "3 s ago", "5 min ago". */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  const d = parse(iso);
  if (!d) return "—";
  const s = Math.max(0, Math.round((now - d.getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** ISO string -> value for <input type="datetime-local"> (local time, minutes). */
export function toLocalInput(iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** <input type="datetime-local"> value -> ISO UTC string, or null when empty/invalid. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
