// The one mapping from failures to ApiError: a domain error keeps its code, file and field;
// anything else is `internal`, whatever properties it carries (a file-system error in words).
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src-main/contract/domain-error';
import { ApiError } from '../../src-main/contract/errors';
import { toApiError } from '../../src-main/host/errors';

describe('toApiError', () => {
  it('keeps a domain error as it is', () => {
    const e = toApiError(new DomainError({ code: 'bad_file', file: '/p/a.png', message: '/p/a.png: truncated' }));
    expect(e).toBeInstanceOf(ApiError);
    expect(e.toJSON()).toEqual({ code: 'bad_file', file: '/p/a.png', message: '/p/a.png: truncated' });
  });

  it('passes an ApiError through', () => {
    const original = new ApiError({ code: 'unknown_method', message: 'unknown method: x' });
    expect(toApiError(original)).toBe(original);
  });

  it('makes anything else internal, even a system error that has a code, in words naming the file', () => {
    const system = Object.assign(new Error("EROFS: read-only file system, open '/p/.summary.csv.3781.a1b2c3d4.tmp'"), { code: 'EROFS', syscall: 'open', path: '/p/.summary.csv.3781.a1b2c3d4.tmp' });
    const e = toApiError(system);
    expect(e.code).toBe('internal');
    expect(e.message).toContain('/p/summary.csv');
    expect(e.message).not.toContain('EROFS');
    expect(toApiError(new Error('plain')).toJSON()).toEqual({ code: 'internal', message: 'plain' });
  });
});
