import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyText } from './clipboard';

afterEach(() => { vi.unstubAllGlobals(); });

describe('copying a fix', () => {
  it('uses the clipboard API when there is one', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    expect(await copyText('RUN rm -rf /var/lib/apt/lists/*')).toBe(true);
    expect(writeText).toHaveBeenCalledWith('RUN rm -rf /var/lib/apt/lists/*');
  });
  it('says it could not copy where there is no way to', async () => {
    vi.stubGlobal('navigator', { clipboard: { writeText: vi.fn().mockRejectedValue(new Error('denied')) } });
    expect(await copyText('x')).toBe(false);
  });
});
