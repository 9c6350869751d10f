import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-main/contract/errors';
import { errorMessage } from '../../../src-renderer/lib/error-message';

describe('errorMessage', () => {
  it("gives an Error's message, an ApiError's words, and anything else thrown as text", () => {
    expect(errorMessage(new Error('disk full'))).toBe('disk full');
    expect(errorMessage(new ApiError({ code: 'not_found', message: 'no model yet' }))).toBe('no model yet');
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(null)).toBe('null');
  });
});
