// Numbers and config values as the training room shows them: axis labels that stay short and
// do not crowd a log axis, and compare-table cells without JSON quotes.
import { describe, expect, it } from 'vitest';
import { compactNumber, displayValue, logTickLabel } from '../../../../src-renderer/components/training/format';

describe('training room formats', () => {
  it('compact axis numbers', () => {
    expect(compactNumber(0.001)).toBe('1e-3');
    expect(compactNumber(0.00030000000000000003)).toBe('3e-4');
    expect(compactNumber(0.05)).toBe('0.05');
    expect(compactNumber(0.123456)).toBe('0.123');
    expect(compactNumber(1200)).toBe('1200');
    expect(compactNumber(0)).toBe('0');
  });

  it('a log axis labels 1, 2 and 5 times a power of ten only', () => {
    // The ticks Chart.js makes for a learning rate falling from 1e-3 to 1e-5.
    const ticks = [1e-5, 2e-5, 3e-5, 4e-5, 5e-5, 6e-5, 7e-5, 8e-5, 9e-5, 1e-4, 2e-4, 3e-4, 5e-4, 7e-4, 1e-3];
    expect(ticks.map(logTickLabel).filter(Boolean)).toEqual(['1e-5', '2e-5', '5e-5', '1e-4', '2e-4', '5e-4', '1e-3']);
    expect(logTickLabel(0)).toBe('');
  });

  it('config values read as words, not JSON', () => {
    expect(displayValue('adam')).toBe('adam');
    expect(displayValue(['train', 'val'])).toBe('train, val');
    expect(displayValue(true)).toBe('yes');
    expect(displayValue(0.1 + 0.2)).toBe('0.3');
    expect(displayValue(null)).toBe('–');
    expect(displayValue([])).toBe('(none)');
  });
});
