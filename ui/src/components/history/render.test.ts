import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import BuildsTable from './BuildsTable.svelte';
import BuildsChart from './BuildsChart.svelte';
import DiffView from './DiffView.svelte';
import { build } from '../../lib/history/fixtures';
import type { ImageDiff, RepositoryHistory } from '../../lib/types';

const HOSTILE = '<img src=x onerror=alert(1)>';
const myapp: RepositoryHistory = {
  repository: 'myapp',
  builds: [build('sha256:1', ['myapp:1'], 1_000_000, null, false), build('sha256:2', ['myapp:2'], 3_000_000, 2_000_000)],
};

describe("a repository's builds", () => {
  it('lists each build with its size, change and whether it is still there', () => {
    const { body } = render(BuildsTable, { props: { history: myapp, picked: ['sha256:2'], onpick: () => {} } });
    expect(body).toContain('+2 MB');
    expect(body).toContain('removed');
    expect(body).toContain('present');
    expect(body.match(/data-testid="build-pick"/g)?.length).toBe(2);
  });
  it('draws one bar per build', () => {
    const { body } = render(BuildsChart, { props: { history: myapp } });
    expect(body.match(/<rect/g)?.length).toBe(2);
    expect(body).toContain('3 MB');
  });
  it('renders tags from images as text', () => {
    const hostile: RepositoryHistory = { repository: 'x', builds: [build('sha256:h', [`x:${HOSTILE}`], 1, null)] };
    for (const c of [BuildsTable, BuildsChart]) {
      const { body } = render(c, { props: { history: hostile } });
      expect(body).not.toContain('<img');
    }
  });
});

describe('a diff of two builds', () => {
  const diff: ImageDiff = {
    a: 'sha256:1', b: 'sha256:2', a_id: 'sha256:1', b_id: 'sha256:2', shared_layers: 2, size_delta: 2_000_000,
    added: [{ path: '/app/big', bytes: 2_000_000 }, { path: `/${HOSTILE}`, bytes: 10 }],
    removed: [{ path: '/app/old', bytes: 5 }],
    changed: [{ path: '/app/main.js', bytes_before: 1000, bytes_after: 3000 }],
  };
  it('says the change and lists the files, biggest first as given', () => {
    const { body } = render(DiffView, { props: { diff, a: '1', b: '2' } });
    expect(body).toContain('+2 MB');
    expect(body).toContain('2 shared layers');
    expect(body).toContain('2 added, 1 removed, 1 changed');
    expect(body.indexOf('/app/big')).toBeLessThan(body.indexOf('&lt;img'));
    expect(body).toContain('+2 kB');
    expect(body).not.toContain('<img');
  });
});
