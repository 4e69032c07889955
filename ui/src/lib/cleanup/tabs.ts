// The Cleanup view's tabs: App opens one directly (the schedule notice opens the journal).

export type CleanupTab = 'plan' | 'journal' | 'quarantine' | 'schedule';

export const CLEANUP_TABS: readonly [CleanupTab, string][] = [
  ['plan', 'Plan'], ['journal', 'Journal'], ['quarantine', 'Quarantine'], ['schedule', 'Schedule'],
];
