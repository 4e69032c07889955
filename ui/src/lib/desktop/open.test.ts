import { describe, expect, it } from 'vitest';
import { routeFor } from './open';

describe('where the tray and notifications lead', () => {
  it('opens the one-click cleanup on the overview, never a removal', () => {
    expect(routeFor('cleanup')).toEqual({ view: 'overview', start: 'one-click' });
  });
  it('scans every image on the Security view', () => {
    expect(routeFor('scan-all')).toEqual({ view: 'security', start: 'scan-all' });
  });
  it('opens the view a notification is about', () => {
    expect(routeFor('journal')).toEqual({ view: 'cleanup', cleanupTab: 'journal' });
    expect(routeFor('security')).toEqual({ view: 'security' });
    expect(routeFor('overview')).toEqual({ view: 'overview' });
    expect(routeFor('settings')).toEqual({ view: 'settings' });
  });
});
