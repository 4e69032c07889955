// The engine Drydock talks to, as the Engine view names it.

export interface EngineStatus {
  endpoint: string;
  source: string;
  /** The engine host's name (`docker info`'s Name). */
  name: string;
  version: string;
  api_version: string;
  os: string;
  data_root: string;
}

/** One line naming the engine, e.g. `Docker 20.10.24 (API 1.41) on linux`. */
export function engineSummary(s: EngineStatus): string {
  const os = s.os ? ` on ${s.os}` : '';
  return `Docker ${s.version || 'unknown version'} (API ${s.api_version})${os}`;
}
