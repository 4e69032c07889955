// Reports for tests, shaped as the shell sends them.
import type { Tip, TipsReport } from '../types';

export function tip(over: Partial<Tip> = {}): Tip {
  return {
    kind: 'package_cache',
    title: 'apt lists ship in the image',
    bytes: 12_300_000,
    exact: true,
    estimate: null,
    paths: [{ path: '/var/lib/apt/lists', bytes: 12_000_000, layer: 1 }, { path: '/var/cache/apt', bytes: 300_000, layer: 1 }],
    more_paths: 0,
    layer: 1,
    step: '/bin/sh -c apt-get update && apt-get install -y curl',
    why: 'Package lists are only needed to install; shipped, every pull downloads them again.',
    fix: 'RUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*',
    ...over,
  };
}

export function report(id: string, tips: Tip[] = [tip()]): TipsReport {
  return {
    image: 'web:1', id, tags: ['web:1'], size: 80_000_000,
    could_save: tips.reduce((n, t) => n + t.bytes, 0), tips, notes: [],
  };
}
