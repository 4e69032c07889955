import { describe, expect, it } from 'vitest';
import { delta, progressText, progressValue, sameTree, shortDigest, tagProblem } from './flatten';

describe('a flatten in words', () => {
  it('says each stage, with the bytes read', () => {
    expect(progressText({ stage: 'reading', read: 5_000_000, total: 20_000_000 })).toBe('Reading the image: 5 MB of about 20 MB');
    expect(progressText({ stage: 'loading' })).toContain('engine');
    expect(progressText({ stage: 'verifying', read: 1, total: 0 })).toBe('Reading the flat image back to check it');
    expect(progressText(null)).toBe('Starting…');
    expect(progressValue({ stage: 'reading', read: 5, total: 20 })).toBe(0.25);
    expect(progressValue({ stage: 'loading' })).toBeNull();
  });
  it('shortens digests and compares the trees', () => {
    expect(shortDigest('sha256:0123456789abcdef0123')).toBe('sha256:0123456789ab');
    expect(shortDigest('abcdef0123456789')).toBe('abcdef012345');
    expect(sameTree({ same_tree: true, original_digest: 'sha256:a', flattened_digest: 'sha256:a' }).ok).toBe(true);
    const differ = sameTree({ same_tree: false, original_digest: 'sha256:a', flattened_digest: 'sha256:b' });
    expect(differ.ok).toBe(false);
    expect(differ.text).toContain('differ');
    expect(sameTree({ same_tree: true, original_digest: 'sha256:a', flattened_digest: 'sha256:b' }).ok).toBe(false);
  });
  it('puts the measured size next to the prediction', () => {
    expect(delta(100, 100)).toBe('as predicted');
    expect(delta(2100, 1000)).toBe('+1.1 kB against the prediction');
    expect(delta(0, 3_000_000)).toBe('-3 MB against the prediction');
  });
  it('checks a tag before asking the shell', () => {
    expect(tagProblem('web:flat')).toBeNull();
    expect(tagProblem('  ')).toContain('needs a tag');
    expect(tagProblem('web flat')).toContain('spaces');
    expect(tagProblem('Web:flat')).toContain('lowercase');
  });
});
