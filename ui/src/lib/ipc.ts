// The only module that calls into the Rust shell. Everything else imports these typed functions.
import { invoke } from '@tauri-apps/api/core';
import type { EngineStatus, IpcError } from './engine/status';

export async function engineStatus(): Promise<EngineStatus> {
  return invoke<EngineStatus>('engine_status');
}

/** Errors cross IPC as `{code, message}`; anything else is wrapped so views handle one shape. */
export function asIpcError(err: unknown): IpcError {
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    return { code: String(err.code), message: String(err.message) };
  }
  return { code: 'internal', message: String(err) };
}
