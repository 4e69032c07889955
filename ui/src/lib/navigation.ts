// App owns which view is open; a component deep in a view reaches it through context instead of
// a callback handed down through every view and component between them.
import { getContext, setContext } from 'svelte';

const OPEN_ENGINE = Symbol('open the Engine view');

/** Called by App while it starts: lets any component below it open the Engine view. */
export function provideOpenEngine(open: () => void): void {
  setContext(OPEN_ENGINE, open);
}

/** The way to open the Engine view, when the component sits inside App (not in a lone render). */
export function openEngineView(): (() => void) | undefined {
  return getContext<(() => void) | undefined>(OPEN_ENGINE);
}
