// Build history and disk use over time, as the History tab, the Builds view and the overview's
// chart show them. Plain data in, plain data out: the components only lay it out.
import { humanBytes } from '../format';
import type { Build, BuildRecord, Forecast, Range, RepositoryHistory } from '../types';

export type { Range };
export const RANGES: [Range, string][] = [['day', 'Day'], ['week', 'Week'], ['month', 'Month'], ['year', 'Year']];

/** The repository of a tag: `myapp:3` → `myapp`, `localhost:5000/team/app:1` → `localhost:5000/team/app`;
 * a digest (`app@sha256:…`) goes too. `null` for an untagged image. */
export function repositoryOf(tag: string | undefined | null): string | null {
  if (!tag) return null;
  let name = tag.split('@')[0];
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) name = name.slice(0, colon);
  return name.length > 0 && name !== '<none>' ? name : null;
}

/** How a build is named in tables and on the chart: its tag within the repository, else its id. */
export function buildLabel(build: Build, repository?: string): string {
  const tags = build.image.tags;
  const own = repository ? tags.find((t) => repositoryOf(t) === repository) : undefined;
  const tag = own ?? tags[0];
  if (!tag) return build.image.id.replace(/^sha256:/, '').slice(0, 12);
  return repository && own ? tag.slice(repository.length + 1) || tag : tag;
}

/** A size change as text: `+1.2 MB`, `−300 kB`, `no change`; `null` (the first build) is `—`. */
export function deltaText(delta: number | null | undefined): string {
  if (delta === null || delta === undefined) return '—';
  if (delta === 0) return 'no change';
  return `${delta > 0 ? '+' : '−'}${humanBytes(Math.abs(delta))}`;
}

/** Unix seconds as `2026-12-04 06:30` (UTC, like the CLI). */
export function unixTime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  return new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
  size: number;
  present: boolean;
  index: number;
}

/** Bars of size over builds for a chart `width` × `height` (the bars use it all; labels are the
 * caller's). The tallest bar is the biggest build; an empty or all-zero history draws flat bars. */
export function sizeBars(history: RepositoryHistory, width: number, height: number): Bar[] {
  const builds = history.builds;
  if (builds.length === 0) return [];
  const max = Math.max(...builds.map((b) => b.image.size), 1);
  const slot = width / builds.length;
  const gap = Math.min(8, slot * 0.2);
  return builds.map((b, index) => {
    const h = Math.max(1, (b.image.size / max) * height);
    return {
      x: index * slot + gap / 2, y: height - h, width: Math.max(1, slot - gap), height: h,
      label: buildLabel(b, history.repository), size: b.image.size, present: b.image.present, index,
    };
  });
}

/** Picks up to two builds to compare. Picking a third lets go of the one picked first; picking
 * one again lets go of it. */
export function togglePick(picked: string[], id: string): string[] {
  if (picked.includes(id)) return picked.filter((p) => p !== id);
  return [...picked, id].slice(-2);
}

/** The two picked builds as A (the older, by build order) and B, or null until two are picked. */
export function comparePair(history: RepositoryHistory, picked: string[]): { a: Build; b: Build } | null {
  if (picked.length !== 2) return null;
  const builds = history.builds.filter((b) => picked.includes(b.image.id));
  if (builds.length !== 2) return null;
  return { a: builds[0], b: builds[1] };
}

/** How to name an image to the engine for a diff: its id (a tag may have moved since). */
export const diffName = (b: Build) => b.image.id;

export interface RepositoryRow {
  repository: string;
  builds: number;
  present: number;
  latest: number;
  change: number | null;
}

/** One row per repository for the Builds view, the biggest latest build first. */
export function repositoryRows(histories: RepositoryHistory[]): RepositoryRow[] {
  return histories
    .filter((h) => h.builds.length > 0)
    .map((h) => {
      const last = h.builds[h.builds.length - 1];
      return {
        repository: h.repository, builds: h.builds.length,
        present: h.builds.filter((b) => b.image.present).length,
        latest: last.image.size, change: last.size_delta,
      };
    })
    .sort((a, b) => b.latest - a.latest || a.repository.localeCompare(b.repository));
}

/** BuildKit's records, the most recently used first (never used: by creation). */
export function recentRecords(records: BuildRecord[]): BuildRecord[] {
  const when = (r: BuildRecord) => r.last_used ?? r.created ?? 0;
  return [...records].sort((a, b) => when(b) - when(a) || b.size - a.size);
}

/** The forecast in one sentence, or null when there is none. */
export function forecastSentence(forecast: Forecast | null | undefined, now: number): string | null {
  if (!forecast) return null;
  const days = Math.round((forecast.full_at - now) / 86400);
  const when = days <= 0 ? 'now' : days === 1 ? 'in about a day' : `in about ${days} days`;
  return `At the recent rate (${deltaText(Math.round(forecast.bytes_per_day))} a day; ${forecast.basis}), ` +
    `the host disk fills ${when}, around ${unixTime(forecast.full_at).slice(0, 10)}.`;
}
