// What every modal dialog does with the keyboard and focus: Escape cancels, Tab stays inside,
// focus starts on the safe choice and goes back where it was when the dialog closes.

/** Handles a key for the open `dialog`: Escape calls `oncancel`; Tab and Shift+Tab cycle through
 *  the elements `focusable` selects inside it, and bring focus back when it strayed out. */
export function dialogKey(
  e: KeyboardEvent,
  dialog: HTMLElement | undefined,
  oncancel: () => void,
  focusable = 'button:not([disabled])',
): void {
  if (e.key === 'Escape') {
    e.preventDefault();
    oncancel();
    return;
  }
  if (e.key !== 'Tab' || !dialog) return;
  const all = [...dialog.querySelectorAll<HTMLElement>(focusable)];
  if (!all.length) return;
  const first = all[0];
  const last = all[all.length - 1];
  const at = document.activeElement;
  if (e.shiftKey && at === first) { e.preventDefault(); last.focus(); }
  else if (!e.shiftKey && at === last) { e.preventDefault(); first.focus(); }
  else if (!dialog.contains(at)) { e.preventDefault(); first.focus(); }
}

/** Focuses `start` and returns what gives focus back to the element that had it before. */
export function holdFocus(start: HTMLElement | undefined): () => void {
  const before = document.activeElement as HTMLElement | null;
  start?.focus();
  return () => before?.focus?.();
}
