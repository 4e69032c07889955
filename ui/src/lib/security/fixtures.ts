// Scan reports for the Security view's tests.
import type { ScanFinding, ScanReport } from '../types';

export function finding(over: Partial<ScanFinding> = {}): ScanFinding {
  return {
    id: 'CVE-2024-0001', aliases: ['GHSA-aaaa-bbbb-cccc'], package: 'openssl', source_package: 'openssl',
    ecosystem: 'Debian:12', installed: '3.0.11-1', fixed: '3.0.13-1', status: 'fixed', severity: 'high', cvss: 7.5,
    purl: 'pkg:deb/debian/openssl@3.0.11-1', path: 'var/lib/dpkg/status', layer: 2,
    step: 'RUN /bin/sh -c apt-get install -y openssl # buildkit', base_image: false, summary: 'a flaw', ...over,
  };
}

export function report(id: string, findings: ScanFinding[] = [finding()]): ScanReport {
  return {
    image: { id, tags: [`${id.slice(7, 11)}:latest`] },
    os: { id: 'debian', version: '12', name: 'Debian GNU/Linux 12 (bookworm)' },
    db: [{ name: 'debian-tracker', records: 1000, imported_at: 1_700_000_000, age: 3600 }],
    packages: 120, findings, problems: [],
  };
}
