// The scan report as the shell sends it (crates/scan/src/report.rs). Temporary: these move to the
// generated ../types.ts once the shell exports them through ts-rs.

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'none' | 'unknown';
export type Status = 'fixed' | 'affected' | 'will_not_fix' | 'deferred' | 'end_of_life';

export type ImageRef = { id: string; tags: Array<string> };
export type Os = { id: string; version: string; name: string };
export type DbSource = { name: string; records: number; imported_at: number; age: number };

export type Finding = {
  id: string;
  aliases: Array<string>;
  package: string;
  source_package: string | null;
  ecosystem: string;
  installed: string;
  fixed: string | null;
  status: Status;
  severity: Severity;
  cvss: number | null;
  purl: string;
  path: string;
  layer: number;
  step: string;
  summary: string;
};

export type ScanReport = {
  image: ImageRef;
  os: Os | null;
  db: Array<DbSource>;
  packages: number;
  findings: Array<Finding>;
  problems: Array<string>;
};

/** The advisory database as the app sees it: `present` is false until something was imported. */
export type DbStatus = {
  present: boolean;
  /** Where the database file is (or would be). */
  path: string;
  sources: Array<DbSource>;
  /** Whether any source is older than a week. */
  stale: boolean;
};

/** Sent when a background scan of a new image found findings at or above the user's threshold. */
export type ScanAlert = {
  image: ImageRef;
  threshold: Severity;
  /** How many findings are at or above the threshold. */
  findings: number;
  /** The worst of them. */
  worst: Severity;
};
