import { describe, expect, it, vi } from 'vitest';
import { render } from 'svelte/server';

// Server rendering runs no effects: the view shows that it is reading.
vi.mock('../lib/ipc', () => ({
  desktopSettings: () => new Promise(() => {}), setDesktopSettings: vi.fn(),
  alertThreshold: () => new Promise(() => {}), setAlertThreshold: vi.fn(),
}));
const { default: Settings } = await import('./Settings.svelte');

describe('Settings view', () => {
  it('reads the settings first', () => {
    const { body } = render(Settings, { props: {} });
    expect(body).toContain('<h2>Settings</h2>');
    expect(body).toContain('Reading the settings');
  });
});
