import { describe, expect, it } from 'vitest';
import { engineSummary } from './status';

describe('engineSummary', () => {
  it('names version, API and OS', () => {
    const s = { endpoint: 'unix:///x', source: 'DOCKER_HOST', name: 'box', version: '20.10.24', api_version: '1.41', os: 'linux', data_root: '/d' };
    expect(engineSummary(s)).toBe('Docker 20.10.24 (API 1.41) on linux');
  });
  it('copes with an engine that hides its version', () => {
    const s = { endpoint: 'x', source: 'x', name: '', version: '', api_version: '1.41', os: '', data_root: '' };
    expect(engineSummary(s)).toBe('Docker unknown version (API 1.41)');
  });
});
