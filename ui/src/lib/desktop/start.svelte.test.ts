import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DbStatus, ImageRow } from '../types';

vi.mock('../ipc', () => ({
  advisoryStatus: vi.fn(), images: vi.fn(), scanImage: vi.fn(() => new Promise(() => {})),
  scanCancel: vi.fn(), scanLast: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc'));
const { asks, scanEveryImage } = await import('./start.svelte');
const { scanner } = await import('../security/scan.svelte');

const db = (present: boolean): DbStatus => ({ present, path: '/data', sources: [], stale: false });

beforeEach(() => { vi.clearAllMocks(); });

describe("the tray's asks", () => {
  it('opens the one-click confirm once per ask', () => {
    expect(asks.takeOneClick()).toBe(false);
    asks.oneClick = true;
    expect(asks.takeOneClick()).toBe(true);
    expect(asks.takeOneClick()).toBe(false);
  });

  it('scans every image when the advisory database is there', async () => {
    ipc.advisoryStatus.mockResolvedValue(db(true));
    ipc.images.mockResolvedValue([{ id: 'sha256:a' }, { id: 'sha256:b' }] as ImageRow[]);
    const scanAll = vi.spyOn(scanner, 'scanAll').mockImplementation(() => {});
    await scanEveryImage();
    expect(scanAll).toHaveBeenCalledWith(['sha256:a', 'sha256:b']);
  });

  it('reads no image without a database: the Security view says how to get one', async () => {
    ipc.advisoryStatus.mockResolvedValue(db(false));
    const scanAll = vi.spyOn(scanner, 'scanAll').mockImplementation(() => {});
    await scanEveryImage();
    expect(ipc.images).not.toHaveBeenCalled();
    expect(scanAll).not.toHaveBeenCalled();
  });
});
