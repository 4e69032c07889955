// What a tray item starts once its view is open. The one-click cleanup is asked for here and
// taken by the overview's one-click bar whenever it is on screen (it may mount after the ask),
// so it opens its confirm dialog exactly once; the scan of every image runs on the shared scanner.

import { images } from '../ipc';
import { scanner } from '../security/scan.svelte';

class Asks {
  /** The one-click cleanup's confirm dialog was asked for and not yet opened. */
  oneClick = $state(false);

  /** Takes the ask: true once per ask. */
  takeOneClick(): boolean {
    if (!this.oneClick) return false;
    this.oneClick = false;
    return true;
  }
}

export const asks = new Asks();

/** Scans every image the engine has, when the advisory database is there (the Security view
 * says how to get one when it is not). */
export async function scanEveryImage(): Promise<void> {
  await scanner.loadDb();
  if (!scanner.ready) return;
  const all = await images();
  scanner.scanAll(all.map((i) => i.id));
}
