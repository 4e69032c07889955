import { describe, expect, it } from 'vitest';
import { applyLabel, baseName, chooseAll, dockerfileFixes, inOrder, stake, toggle } from './steps';
import { reviewed, step } from './fixtures';

const steps = reviewed().walkthrough;

describe('choosing steps', () => {
  it('adds and takes out a fixable step', () => {
    const one = toggle(steps, [], 'DD301@4:1');
    expect(one).toEqual(['DD301@4:1']);
    expect(toggle(steps, one, 'DD301@4:1')).toEqual([]);
  });
  it('never chooses a step without a fix, or one that is not there', () => {
    expect(toggle(steps, [], 'DD999@1:1')).toEqual([]);
    expect(toggle(steps, [], 'gone')).toEqual([]);
  });
  it('keeps the walkthrough order whatever the order of the clicks', () => {
    expect(inOrder(steps, ['DD301@4:1', 'DD102@3:1', 'DD999@1:1'])).toEqual(['DD102@3:1', 'DD301@4:1']);
  });
  it("tell the Dockerfile's fixes from the ignore file's, for a rebuild", () => {
    const all = [...steps, step('context@ignore', { file: '.dockerignore', line: null })];
    expect(dockerfileFixes(all, ['context@ignore', 'DD301@4:1'], 'Dockerfile')).toEqual(['DD301@4:1']);
  });
  it('chooses all fixable steps, then none', () => {
    expect(chooseAll(steps, [])).toEqual(['DD102@3:1', 'DD301@4:1']);
    expect(chooseAll(steps, ['DD301@4:1', 'DD102@3:1'])).toEqual([]);
  });
});

describe('words', () => {
  it('say what a step saves, or what is at stake', () => {
    expect(stake(step('a', { saves_bytes: 3_000_000 }))).toBe('saves ~3 MB');
    expect(stake(step('a', { saves_bytes: null, at_stake_bytes: 12_400_000 }))).toBe('12.4 MB at stake');
    expect(stake(step('a', { saves_bytes: 0, at_stake_bytes: 0 }))).toBeNull();
  });
  it('count the fixes on the button', () => {
    expect(applyLabel(0)).toBe('Apply fixes…');
    expect(applyLabel(1)).toBe('Apply 1 fix…');
    expect(applyLabel(3)).toBe('Apply 3 fixes…');
  });
  it('name a file by its last part', () => {
    expect(baseName('/p/q/Dockerfile')).toBe('Dockerfile');
    expect(baseName('C:\\p\\Dockerfile.dev')).toBe('Dockerfile.dev');
  });
});
