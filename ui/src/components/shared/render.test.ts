import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import ErrorNote from './ErrorNote.svelte';
import type { IpcError } from '../../lib/errors';

const noop = () => {};
const HOSTILE = 'no such image <img src=x onerror=alert(1)>';

describe('ErrorNote', () => {
  it('shows the message as text, fix lines included', () => {
    const { body } = render(ErrorNote, {
      props: { error: { code: 'not_found', message: `${HOSTILE}\n  fix: refresh the list` }, testid: 'plan-error' },
    });
    expect(body).toContain('data-testid="plan-error"');
    expect(body).toContain('data-code="not_found"');
    expect(body).toContain('role="alert"');
    expect(body).not.toContain('<img');
    expect(body).toContain('&lt;img');
    expect(body).toContain('fix: refresh the list');
  });
  it('offers a retry only when there is one', () => {
    const error: IpcError = { code: 'engine_unavailable', message: 'no Docker engine found' };
    expect(render(ErrorNote, { props: { error } }).body).not.toContain('Try again');
    const { body } = render(ErrorNote, { props: { error, testid: 'load-error', onretry: noop } });
    expect(body).toContain('data-testid="load-error-retry"');
    expect(body).toContain('Engine view');
    expect(render(ErrorNote, { props: { error, onretry: noop, retrying: true } }).body).toContain('Trying…');
  });
  it('has no Engine view button outside the app, where nothing could open it', () => {
    const { body } = render(ErrorNote, { props: { error: { code: 'engine_unavailable', message: 'down' } } });
    expect(body).not.toContain('error-engine');
  });
});
