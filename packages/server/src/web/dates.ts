import { type Html, html } from './html.ts';

const UNITS: [string, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 minutes ago", "just now", "in 2 days". */
export function relativeTime(ms: number, now: number): string {
  const delta = now - ms;
  const size = Math.abs(delta);
  for (const [unit, length] of UNITS) {
    if (size >= length) {
      const n = Math.floor(size / length);
      const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return delta >= 0 ? `${text} ago` : `in ${text}`;
    }
  }
  return 'just now';
}

/** A date as pages show it: relative, with the exact time (UTC) on hover and for machines. */
export function timeHtml(ms: number | null, now: number, never = 'never'): Html {
  if (ms === null) return html`${never}`;
  const iso = new Date(ms).toISOString();
  const exact = `${iso.replace('T', ' ').slice(0, 19)} UTC`;
  return html`<time datetime="${iso}" title="${exact}">${relativeTime(ms, now)}</time>`;
}
