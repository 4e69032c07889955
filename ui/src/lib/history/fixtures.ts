import type { Build } from '../types';

/** A build for tests: `delta` null makes it a repository's first. */
export function build(id: string, tags: string[], size: number, delta: number | null, present = true): Build {
  return {
    image: { id, tags, created: 1_700_000_000, created_nanos: 0, size, layers: [], first_seen: 1_700_000_000, last_seen: 1_700_000_000, present },
    size_delta: delta, shared_layers: delta === null ? null : 1,
  };
}
