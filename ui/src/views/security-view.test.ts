import { describe, expect, it, vi } from 'vitest';
import { render } from 'svelte/server';

// Server rendering runs no effects; the stubs only keep module-level calls away from Tauri.
vi.mock('../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../lib/ipc')>();
  const never = () => new Promise<never>(() => {});
  return { ...real, images: never, advisoryStatus: never, scanLast: never, alertThreshold: never };
});
const { default: Security } = await import('./Security.svelte');

describe('Security view', () => {
  it('reads the engine first', () => {
    const { body } = render(Security, { props: { tick: 0, oncleanup: () => {} } });
    expect(body).toContain('<h2>Security</h2>');
    expect(body).toContain('Reading the engine');
  });
});
