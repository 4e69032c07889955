import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScanAlert } from '../types';

vi.mock('../ipc', () => ({ alertThreshold: vi.fn(), setAlertThreshold: vi.fn(), onScanAlert: vi.fn() }));
const ipc = vi.mocked(await import('../ipc'));
const { AlertNotices, ThresholdSetting, describeAlert } = await import('./alerts.svelte');

const alert = (id: string, over: Partial<ScanAlert> = {}): ScanAlert =>
  ({ image: { id, tags: ['web:1.2'] }, new_image: true, threshold: 'critical', findings: 2, worst: 'critical', ...over });

beforeEach(() => { vi.resetAllMocks(); });

describe('alert notices', () => {
  it('words an alert', () => {
    expect(describeAlert(alert('sha256:a'))).toBe('New image web:1.2 has 2 vulnerabilities known at critical.');
    expect(describeAlert(alert('sha256:abcdef0123456789', { image: { id: 'sha256:abcdef0123456789', tags: [] }, threshold: 'high', findings: 1 })))
      .toBe('New image abcdef012345 has 1 vulnerability known at high or worse (the worst: critical).');
    expect(describeAlert(alert('sha256:a', { new_image: false, findings: 3 })))
      .toBe('The updated advisory database knows 3 more vulnerabilities in web:1.2 at critical.');
  });
  it('keeps the newest first, one per image, until dismissed', () => {
    let hear: (a: ScanAlert) => void = () => {};
    ipc.onScanAlert.mockImplementation(async (f) => { hear = f; return () => {}; });
    const n = new AlertNotices();
    const stop = n.start();
    hear(alert('sha256:a'));
    hear(alert('sha256:b'));
    hear(alert('sha256:a', { findings: 5 }));
    expect(n.alerts.map((a) => [a.image.id, a.findings])).toEqual([['sha256:a', 5], ['sha256:b', 2]]);
    n.dismiss('sha256:a');
    expect(n.alerts.map((a) => a.image.id)).toEqual(['sha256:b']);
    stop();
  });
});

describe('the alert threshold', () => {
  it('loads and saves it, and goes back when saving fails', async () => {
    ipc.alertThreshold.mockResolvedValue('critical');
    const t = new ThresholdSetting();
    await t.load();
    expect(t.value).toBe('critical');
    ipc.setAlertThreshold.mockResolvedValue('high');
    await t.set('high');
    expect(ipc.setAlertThreshold).toHaveBeenCalledWith('high');
    expect(t.value).toBe('high');
    ipc.setAlertThreshold.mockRejectedValue({ code: 'internal', message: 'store unwritable' });
    await t.set('low');
    expect(t.value).toBe('high');
    expect(t.error?.message).toBe('store unwritable');
  });
});
