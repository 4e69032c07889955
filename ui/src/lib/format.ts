// Sizes and dates as Drydock shows them: Docker's decimal units, like the CLI.

const UNITS = ['kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** `1234567` → `1.23 MB`; exact bytes below 1 kB; negative (unknown) → `–`. */
export function humanBytes(bytes: number): string {
  if (bytes < 0 || !Number.isFinite(bytes)) return '–';
  if (bytes < 1000) return `${bytes} B`;
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.5 && unit + 1 < UNITS.length) {
    value /= 1000;
    unit += 1;
  }
  const decimals = value < 10 ? 2 : value < 100 ? 1 : 0;
  const fixed = value.toFixed(decimals);
  // Trim zeros after the decimal point only: 700 stays 700, 1.20 becomes 1.2.
  const text = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return `${text} ${UNITS[unit]}`;
}

/** Exact bytes with thousands separators, for hover text. */
export function exactBytes(bytes: number): string {
  return bytes < 0 ? 'unknown' : `${bytes.toLocaleString('en-US')} bytes`;
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** `2026-11-22T08:39:34Z` → `2026-11-22 08:39`. */
export function shortTime(rfc3339: string): string {
  return rfc3339.length >= 16 ? rfc3339.slice(0, 16).replace('T', ' ') : rfc3339;
}

export function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part * 100) / whole)}%` : '0%';
}

/** An SVG string as an image URL: shown through <img>, the SVG can never act as page markup. */
export function svgUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
