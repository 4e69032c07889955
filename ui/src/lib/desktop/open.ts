// Where a tray item or a clicked desktop notification takes the window. The shell names a
// destination; App opens the view and, for two of them, starts what the user asked for: the
// one-click cleanup's confirm dialog (nothing is removed without the user's yes) or a scan of
// every image.

import type { Destination } from '../types';
import type { CleanupTab } from '../cleanup/tabs';

/** The view App shows, the Cleanup tab when it is the Cleanup view, and what starts there. */
export type Route = {
  view: 'overview' | 'cleanup' | 'security' | 'settings';
  cleanupTab?: CleanupTab;
  start?: 'one-click' | 'scan-all';
};

export function routeFor(to: Destination): Route {
  switch (to) {
    case 'overview': return { view: 'overview' };
    case 'cleanup': return { view: 'overview', start: 'one-click' };
    case 'scan-all': return { view: 'security', start: 'scan-all' };
    case 'security': return { view: 'security' };
    case 'journal': return { view: 'cleanup', cleanupTab: 'journal' };
    case 'settings': return { view: 'settings' };
  }
}
