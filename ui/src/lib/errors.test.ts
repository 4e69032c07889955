import { describe, expect, it } from 'vitest';
import { asIpcError, describeError, splitError, type IpcError } from './errors';

const NO_ENGINE = 'no Docker engine found\n  looked at: /var/run/docker.sock\n  fix: start Docker';

describe('asIpcError', () => {
  it('keeps what the shell sent', () => {
    expect(asIpcError({ code: 'not_found', message: 'no such image' })).toEqual({ code: 'not_found', message: 'no such image' });
  });
  it('wraps anything else as internal', () => {
    expect(asIpcError('boom')).toEqual({ code: 'internal', message: 'boom' });
    expect(asIpcError(null)).toEqual({ code: 'internal', message: 'null' });
    expect(asIpcError({ message: 'no code' }).code).toBe('internal');
  });
});

describe('splitError', () => {
  it('separates what happened from what to do', () => {
    const e: IpcError = { code: 'engine_unavailable', message: 'no Docker engine found\nlooked at: /var/run/docker.sock\n\nstart Docker' };
    expect(splitError(e)).toEqual({ headline: 'no Docker engine found', detail: ['looked at: /var/run/docker.sock', 'start Docker'] });
  });
});

describe('describeError', () => {
  it('points at the Engine view when the engine cannot be reached, keeping the fix line', () => {
    const w = describeError({ code: 'engine_unavailable', message: NO_ENGINE });
    expect(w.engine).toBe(true);
    expect(w.label).toBe('Docker engine unreachable');
    expect(w.headline).toBe('no Docker engine found');
    expect(w.detail).toEqual(['looked at: /var/run/docker.sock', 'fix: start Docker']);
    expect(w.hint).toContain('Engine view');
  });
  it('suggests a refresh for something that is gone', () => {
    const w = describeError({ code: 'not_found', message: 'image sha256:abc is not quarantined' });
    expect(w.engine).toBe(false);
    expect(w.hint).toContain('refresh');
  });
  it('leaves in use and invalid input to the message, which says what to do', () => {
    for (const code of ['in_use', 'invalid_input'] as const) {
      const w = describeError({ code, message: 'a cleanup is already running: wait for it to finish' });
      expect(w.code).toBe(code);
      expect(w.hint).toBeNull();
      expect(w.engine).toBe(false);
      expect(w.headline).toBe('a cleanup is already running: wait for it to finish');
    }
  });
  it('reads unknown codes and empty messages as internal', () => {
    const w = describeError(asIpcError({ code: 'teapot', message: '' }));
    expect(w.code).toBe('internal');
    expect(w.label).toBe('Something went wrong');
    expect(w.headline).toBe('Something went wrong.');
    expect(w.detail).toEqual([]);
  });
  it('keeps hostile text as data: wording never turns it into markup', () => {
    const w = describeError({ code: 'not_found', message: 'no such image <img src=x onerror=alert(1)>' });
    expect(w.headline).toBe('no such image <img src=x onerror=alert(1)>');
  });
});
