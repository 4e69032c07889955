import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExportProgress } from '../types';
import type { ScanReport } from '../types';
import { report } from './fixtures';

vi.mock('../ipc', () => ({ scanImage: vi.fn(), scanCancel: vi.fn(), scanLast: vi.fn(), advisoryStatus: vi.fn() }));
const ipc = vi.mocked(await import('../ipc'));
const { ScanController } = await import('./scan.svelte');

/** A scan the test finishes by hand. */
function pending() {
  const scans: { id: string; progress: (p: ExportProgress) => void; resolve: (r: ScanReport) => void; reject: (e: unknown) => void }[] = [];
  ipc.scanImage.mockImplementation((id, progress) => new Promise((resolve, reject) => scans.push({ id, progress, resolve, reject })));
  return scans;
}
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => { vi.resetAllMocks(); });

describe('the scan queue', () => {
  it('scans one image at a time, with progress, and keeps each report', async () => {
    const scans = pending();
    const c = new ScanController();
    const seen: string[] = [];
    c.onreport = (r) => seen.push(r.image.id);
    c.scanAll(['sha256:a', 'sha256:b']);
    c.scan('sha256:a');
    await flush();
    expect(scans.map((s) => s.id)).toEqual(['sha256:a']);
    expect(c.state('sha256:a')).toEqual({ name: 'scanning', progress: null });
    expect(c.state('sha256:b').name).toBe('queued');
    expect(c.busy).toBe(true);

    scans[0].progress({ read: 10, total: 100 });
    expect(c.state('sha256:a')).toEqual({ name: 'scanning', progress: { read: 10, total: 100 } });
    scans[0].resolve(report('sha256:a'));
    await flush();
    expect(c.report('sha256:a')?.image.id).toBe('sha256:a');
    expect(c.current).toBe('sha256:b');
    scans[1].resolve(report('sha256:b'));
    await flush();
    expect(c.state('sha256:b').name).toBe('done');
    expect(c.busy).toBe(false);
    expect(seen).toEqual(['sha256:a', 'sha256:b']);
    expect(ipc.scanImage).toHaveBeenCalledTimes(2);
  });

  it('keeps the error of a failed scan and goes on with the next', async () => {
    const scans = pending();
    const c = new ScanController();
    c.scanAll(['sha256:a', 'sha256:b']);
    await flush();
    scans[0].reject({ code: 'invalid_input', message: 'no advisory database\n  fix: drydock db update' });
    await flush();
    expect(c.state('sha256:a')).toEqual({ name: 'failed', error: { code: 'invalid_input', message: 'no advisory database\n  fix: drydock db update' } });
    expect(c.current).toBe('sha256:b');
  });

  it('cancels a queued image without asking the shell, and the running one through it', async () => {
    const scans = pending();
    ipc.scanCancel.mockImplementation(async () => { scans[0].reject({ code: 'internal', message: 'the scan was cancelled' }); });
    const c = new ScanController();
    c.scanAll(['sha256:a', 'sha256:b', 'sha256:c']);
    await flush();
    await c.cancel('sha256:b');
    expect(ipc.scanCancel).not.toHaveBeenCalled();
    expect(c.state('sha256:b').name).toBe('cancelled');
    await c.cancel('sha256:a');
    await flush();
    expect(ipc.scanCancel).toHaveBeenCalledTimes(1);
    expect(c.state('sha256:a').name).toBe('cancelled');
    expect(c.current).toBe('sha256:c');
    expect(scans.map((s) => s.id)).toEqual(['sha256:a', 'sha256:c']);
  });

  it('cancels everything at once', async () => {
    const scans = pending();
    ipc.scanCancel.mockImplementation(async () => { scans[0].reject({ code: 'internal', message: 'cancelled' }); });
    const c = new ScanController();
    c.scanAll(['sha256:a', 'sha256:b']);
    await flush();
    await c.cancelAll();
    await flush();
    expect(c.state('sha256:a').name).toBe('cancelled');
    expect(c.state('sha256:b').name).toBe('cancelled');
    expect(c.busy).toBe(false);
    expect(scans).toHaveLength(1);
  });

  it('can scan an image again after it was cancelled', async () => {
    const scans = pending();
    const c = new ScanController();
    c.scanAll(['sha256:a', 'sha256:b']);
    await c.cancel('sha256:b');
    await flush();
    c.scan('sha256:b');
    scans[0].resolve(report('sha256:a'));
    await flush();
    expect(c.current).toBe('sha256:b');
  });
});

describe('what the shell kept', () => {
  it('loads the last reports of images it has not scanned, and the database status', async () => {
    ipc.scanLast.mockImplementation(async (id) => (id === 'sha256:a' ? report('sha256:a') : null));
    ipc.advisoryStatus.mockResolvedValue({ present: true, path: '/data/advisories.db', sources: [], stale: false });
    const c = new ScanController();
    await Promise.all([c.loadLast(['sha256:a', 'sha256:b']), c.loadDb()]);
    expect(c.state('sha256:a').name).toBe('done');
    expect(c.state('sha256:b').name).toBe('idle');
    expect(c.ready).toBe(true);
  });
  it('takes the report the shell made after a database update in place of the older one', async () => {
    const old = report('sha256:a');
    const newer = { ...report('sha256:a', []), db: [{ name: 'debian-tracker', records: 2000, imported_at: 1_800_000_000, age: 5 }] };
    ipc.scanLast.mockResolvedValueOnce(old).mockResolvedValueOnce(newer);
    ipc.advisoryStatus.mockResolvedValue({ present: true, path: '/d', sources: newer.db, stale: false });
    const c = new ScanController();
    await c.loadLast(['sha256:a']);
    expect(c.report('sha256:a')).toEqual(old);
    await c.loadDb();
    expect(c.report('sha256:a')).toEqual(newer);
    expect(ipc.scanLast).toHaveBeenCalledTimes(2);
  });
  it('shows an error reading the database status', async () => {
    ipc.advisoryStatus.mockRejectedValue({ code: 'internal', message: 'damaged' });
    const c = new ScanController();
    await c.loadDb();
    expect(c.dbError?.message).toBe('damaged');
    expect(c.ready).toBe(false);
  });
});
