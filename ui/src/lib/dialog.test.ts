import { afterEach, describe, expect, it } from 'vitest';
import { dialogKey } from './dialog';

// No DOM here: the dialog, its buttons and the document are the few members dialogKey reads.
type Fake = { focused: number; focus: () => void };
function setup(count: number) {
  const state = { active: null as unknown };
  const buttons: Fake[] = Array.from({ length: count }, () => {
    const b: Fake = { focused: 0, focus: () => { b.focused += 1; state.active = b; } };
    return b;
  });
  const dialog = {
    querySelectorAll: () => buttons,
    contains: (el: unknown) => buttons.includes(el as Fake),
  } as unknown as HTMLElement;
  (globalThis as { document?: unknown }).document = {
    get activeElement() { return state.active; },
  };
  return { buttons, dialog, state };
}
function key(k: string, shiftKey = false) {
  const e = { key: k, shiftKey, prevented: false, preventDefault() { e.prevented = true; } };
  return e;
}

afterEach(() => { delete (globalThis as { document?: unknown }).document; });

describe('a dialog keeps the keyboard inside', () => {
  it('cancels on Escape', () => {
    const { dialog } = setup(2);
    let cancelled = 0;
    const e = key('Escape');
    dialogKey(e as unknown as KeyboardEvent, dialog, () => { cancelled += 1; });
    expect([cancelled, e.prevented]).toEqual([1, true]);
  });
  it('wraps Tab from the last to the first, and Shift+Tab back', () => {
    const { buttons, dialog, state } = setup(3);
    state.active = buttons[2];
    dialogKey(key('Tab') as unknown as KeyboardEvent, dialog, () => {});
    expect(state.active).toBe(buttons[0]);
    dialogKey(key('Tab', true) as unknown as KeyboardEvent, dialog, () => {});
    expect(state.active).toBe(buttons[2]);
  });
  it('brings focus back when it strayed out, and leaves Tab alone in the middle', () => {
    const { buttons, dialog, state } = setup(3);
    state.active = { outside: true };
    dialogKey(key('Tab') as unknown as KeyboardEvent, dialog, () => {});
    expect(state.active).toBe(buttons[0]);
    state.active = buttons[1];
    const e = key('Tab');
    dialogKey(e as unknown as KeyboardEvent, dialog, () => {});
    expect([state.active, e.prevented]).toEqual([buttons[1], false]);
  });
});
