// The api's door to linear LTS (src/api/lts.ts), as `trimfit lts` reaches it: too few rows for the
// core's rule is an error, never a result made of NaN.
import { describe, expect, test } from 'vitest';
import { lts } from '../../src/api/lts.js';

describe('lts: the number of observations', () => {
  test.each([
    // [rows, columns, intercept]: p counts the intercept; the core needs n > 2p
    [4, 1, true],
    [2, 1, false],
    [6, 2, true],
    [2, 0, true],
  ])('n = 2p (%i rows, %i columns, intercept %s) is a too-few-points error naming y', (n, columns, intercept) => {
    const p = columns + (intercept ? 1 : 0);
    const X = Array.from({ length: n }, (_, i) => Array.from({ length: columns }, (_, j) => (i + 1) * (j + 2) + ((i * i) % 3)));
    const y = Array.from({ length: n }, (_, i) => i + 0.5 * Math.sin(i));
    expect(() => lts(X, y, { intercept })).toThrow(
      expect.objectContaining({ code: 'too-few-points', field: 'y', expected: `more than 2p = ${2 * p} observations for p = ${p} coefficients`, received: `"${n} observations"` }),
    );
  });
  test('n = 2p + 1 gives an estimate with finite numbers', () => {
    const X = [[1], [2], [3], [4], [5]];
    const r = lts(X, [1.1, 1.9, 3.2, 3.9, 5.1]);
    expect(['ok', 'exact-fit']).toContain(r.status);
    expect([r.objective, r.rawScale, r.scale, ...r.rawCoefficients, ...r.coefficients].every(Number.isFinite)).toBe(true);
  });
  test('singular data stay a status (with a message), not an error', () => {
    const r = lts([[1], [1], [1], [1], [1], [1]], [1, 2, 3, 4, 5, 6]);
    expect(r.status).toBe('singular');
    expect(r.message).toMatch(/constant/);
  });
});
