// A small review as the shell sends it, for the review's tests.
import type { Finding, ReviewInstruction, Reviewed, WalkStep } from '../types';

export function finding(line: number, code = 'DD102', rule = 'cleanup-in-later-layer'): Finding {
  return {
    file: 'Dockerfile', line, column: 1, end_line: line, end_column: 10, code, rule, level: 'warning',
    message: 'files written here are removed later', hadolint: null, fix: null,
  };
}

export function instruction(line: number, layer: number | null, extra: Partial<ReviewInstruction> = {}): ReviewInstruction {
  return {
    line, end_line: line, instruction: `RUN ${line}`, layer_bytes: layer, hidden_bytes: null, hidden_paths: [],
    hides_bytes: null, findings: [], ...extra,
  };
}

export function step(id: string, extra: Partial<WalkStep> = {}): WalkStep {
  return {
    id, impact: 'image', code: 'DD102', rule: 'cleanup-in-later-layer', line: 3, title: 'Remove the files where they are written',
    why: 'Deleting in a later layer hides files, it does not shrink the image.', file: 'Dockerfile',
    diff: '--- a/Dockerfile\n+++ b/Dockerfile\n@@ -2,2 +2,1 @@\n-RUN a\n-RUN rm a\n+RUN a && rm a\n',
    instead: null, at_stake_bytes: 3_000_000, saves_bytes: 3_000_000, ...extra,
  };
}

export function reviewed(extra: Partial<Reviewed> = {}): Reviewed {
  return {
    dockerfile: '/p/Dockerfile',
    image: { id: 'sha256:abc', tags: ['app:1'], confidence: 'exact' },
    source: 'FROM base:1\nRUN head -c 3000000 /dev/zero > /big\nRUN rm /big\nCMD run\n',
    instructions: [
      instruction(1, 0),
      instruction(2, 3_000_000, {
        hidden_bytes: 3_000_000, hidden_paths: [{ path: '/big', bytes: 3_000_000, hidden_by_line: 3 }],
      }),
      instruction(3, 0, { hides_bytes: 3_000_000, findings: [finding(3)] }),
      instruction(4, null, { findings: [finding(4, 'DD301', 'shell-form-cmd')] }),
    ],
    other_findings: [],
    context: null,
    candidates: [],
    walkthrough: [step('DD102@3:1'), step('DD301@4:1', { impact: 'other', line: 4, at_stake_bytes: null, saves_bytes: null }),
      step('DD999@1:1', { impact: 'security', line: 1, diff: null, instead: 'pin it' })],
    notes: [],
    ...extra,
  };
}
