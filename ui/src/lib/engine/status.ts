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

export interface IpcError {
  code: string;
  message: string;
}

/** One line naming the engine, e.g. `Docker 20.10.24 (API 1.41) on linux`. */
export function engineSummary(s: EngineStatus): string {
  const os = s.os ? ` on ${s.os}` : '';
  return `Docker ${s.version || 'unknown version'} (API ${s.api_version})${os}`;
}

/** Splits an error message into its first line (what happened) and the rest (what to do). */
export function splitError(e: IpcError): { headline: string; detail: string[] } {
  const [headline = '', ...detail] = e.message.split('\n').map((l) => l.trim());
  return { headline, detail: detail.filter((l) => l.length > 0) };
}
