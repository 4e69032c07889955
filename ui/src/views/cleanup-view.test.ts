import { describe, expect, it, vi } from 'vitest';
import { render } from 'svelte/server';

// Server rendering runs no effects; the stubs only keep module-level calls away from Tauri.
vi.mock('../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../lib/ipc')>();
  const never = () => new Promise<never>(() => {});
  return { ...real, keepList: never, volumes: never, cleanupPlan: never, overview: never, cleanupJournal: never, quarantineList: never };
});

const { default: Cleanup } = await import('./Cleanup.svelte');
const { default: Overview } = await import('./Overview.svelte');

describe('Cleanup view', () => {
  it('has the three tabs and the plan form controls', () => {
    const { body } = render(Cleanup, { props: { tick: 0 } });
    for (const id of ['tab-plan', 'tab-journal', 'tab-quarantine', 'sel-images', 'sel-containers', 'sel-networks',
      'sel-build-cache', 'sel-until', 'sel-quarantine', 'keep-list', 'cleanup-predicted', 'cleanup-run']) {
      expect(body, id).toContain(`data-testid="${id}"`);
    }
    // The default selection: dangling images, stopped containers and build cache.
    expect(body).toMatch(/<option value="dangling"[^>]*selected/);
    expect(body).toMatch(/checked=""[^>]*data-testid="sel-containers"/);
    expect(body).toMatch(/checked=""[^>]*data-testid="sel-build-cache"/);
    expect(body).not.toMatch(/checked=""[^>]*data-testid="sel-networks"/);
    // No plan yet: nothing can be run.
    expect(body).toMatch(/disabled=""[^>]*data-testid="cleanup-run"/);
  });
  it('puts one-click cleanup on the overview', () => {
    const { body } = render(Overview, { props: { tick: 0 } });
    expect(body).toContain('data-testid="one-click"');
    expect(body).toContain('One-click cleanup');
  });
});
