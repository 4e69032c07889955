// App owns which view is open; a component deep in a view reaches it through context instead of
// a callback handed down through every view and component between them.
import { getContext, setContext } from 'svelte';

const OPEN_ENGINE = Symbol('open the Engine view');

/**
 * Called by App while it starts: lets any component below it open the Engine view. The Engine
 * view passes null for its own part of the tree: there is nowhere to send the user.
 */
export function provideOpenEngine(open: (() => void) | null): void {
  setContext(OPEN_ENGINE, open);
}

/** The way to open the Engine view, when the component sits inside App and outside that view. */
export function openEngineView(): (() => void) | null {
  return getContext<(() => void) | null | undefined>(OPEN_ENGINE) ?? null;
}
