// Errors as the Rust shell sends them, and how the UI words them. One component shows every
// error (components/shared/ErrorNote.svelte); what it says for each code is decided here.

import type { ErrorCode, IpcError } from './types';

/** What every command rejects with (generated from the shell's `IpcError`): a code the UI
 * branches on and a message for people. */
export type { ErrorCode, IpcError };

/** Errors cross IPC as `{code, message}`; anything else (a code this UI does not know, a thrown
 * exception) is wrapped as `internal` so views handle one shape. */
export function asIpcError(err: unknown): IpcError {
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    const code = String(err.code);
    return { code: isCode(code) ? code : 'internal', message: String(err.message) };
  }
  return { code: 'internal', message: String(err) };
}

/** Splits an error message into its first line (what happened) and the rest (what to do). */
export function splitError(e: IpcError): { headline: string; detail: string[] } {
  const [headline = '', ...detail] = e.message.split('\n').map((l) => l.trim());
  return { headline, detail: detail.filter((l) => l.length > 0) };
}

const CODES: Record<ErrorCode, { label: string; hint: string | null }> = {
  engine_unavailable: {
    label: 'Docker engine unreachable',
    hint: 'Start the engine and try again, or choose another engine on the Engine view.',
  },
  not_found: {
    label: 'Not found',
    hint: 'It may have gone since Drydock last read the engine: refresh to see the engine as it is now.',
  },
  // The shell's messages for these already say what to do (wait, fix the input, report).
  in_use: { label: 'In use', hint: null },
  invalid_input: { label: 'Cannot do that', hint: null },
  internal: { label: 'Something went wrong', hint: null },
};

const isCode = (code: string): code is ErrorCode => Object.hasOwn(CODES, code);

export interface ErrorWording {
  code: ErrorCode;
  /** A few words naming the kind of problem. */
  label: string;
  /** What happened: the message's first line. */
  headline: string;
  /** The message's other lines (`fix: ...`), as sent. */
  detail: string[];
  /** What the UI adds for this kind of problem, when the message cannot know it. */
  hint: string | null;
  /** Whether to point at the Engine view (the engine cannot be reached). */
  engine: boolean;
}

/** How an error reads: the shell's message as it came, with what its code adds. */
export function describeError(e: IpcError): ErrorWording {
  const code = isCode(e.code) ? e.code : 'internal';
  const { headline, detail } = splitError(e);
  return {
    code,
    label: CODES[code].label,
    headline: headline || 'Something went wrong.',
    detail,
    hint: CODES[code].hint,
    engine: code === 'engine_unavailable',
  };
}
