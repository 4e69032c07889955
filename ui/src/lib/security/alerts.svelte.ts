// Alerts from background scans: the shell scans each new image the engine reports (and rescans
// the images scanned before when the advisory database changes) and, when new findings reach the
// user's threshold, raises a desktop notification and tells the window. This
// keeps the in-app notices (newest first, until dismissed) and the threshold setting.

import { alertThreshold, onScanAlert, setAlertThreshold } from '../ipc';
import { asIpcError, type IpcError } from '../errors';
import { severityLabel } from './findings';
import type { ScanAlert, Severity } from '../types';

/** How many unread alerts are kept on screen. */
const KEPT = 5;

/** `New image web:1.2 has 2 vulnerabilities known at critical.`; `… at high or worse`; after a
 * database update, the findings it newly brought. */
export function describeAlert(a: ScanAlert): string {
  const name = a.image.tags[0] ?? a.image.id.replace(/^sha256:/, '').slice(0, 12);
  const level = a.threshold === 'critical' ? 'critical' : `${severityLabel(a.threshold).toLowerCase()} or worse`;
  const worst = a.worst !== a.threshold ? ` (the worst: ${severityLabel(a.worst).toLowerCase()})` : '';
  const count = `${a.findings} ${a.findings === 1 ? 'vulnerability' : 'vulnerabilities'}`;
  return a.new_image
    ? `New image ${name} has ${count} known at ${level}${worst}.`
    : `The updated advisory database knows ${a.findings} more ${a.findings === 1 ? 'vulnerability' : 'vulnerabilities'} in ${name} at ${level}${worst}.`;
}

export class AlertNotices {
  alerts = $state<ScanAlert[]>([]);

  add(alert: ScanAlert): void {
    this.alerts = [alert, ...this.alerts.filter((a) => a.image.id !== alert.image.id)].slice(0, KEPT);
  }

  dismiss(id: string): void {
    this.alerts = this.alerts.filter((a) => a.image.id !== id);
  }

  /** Listens for alerts; returns what stops listening. */
  start(): () => void {
    const unlisten = onScanAlert((a) => this.add(a));
    return () => { unlisten.then((f) => f()); };
  }
}

/** The threshold from which a new image's findings raise an alert. */
export class ThresholdSetting {
  value = $state<Severity | null>(null);
  error = $state<IpcError | null>(null);

  async load(): Promise<void> {
    try {
      this.value = await alertThreshold();
      this.error = null;
    } catch (e) {
      this.error = asIpcError(e);
    }
  }

  async set(threshold: Severity): Promise<void> {
    const before = this.value;
    this.value = threshold;
    try {
      this.value = await setAlertThreshold(threshold);
      this.error = null;
    } catch (e) {
      this.value = before;
      this.error = asIpcError(e);
    }
  }
}
