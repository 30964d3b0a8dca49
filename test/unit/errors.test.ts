import { describe, expect, test } from 'vitest';
import { TrimfitError } from '../../src/api/errors';

describe('TrimfitError across a boundary', () => {
  test('fromJSON(toJSON()) gives back the same details, received not quoted a second time', () => {
    for (const received of ['abc', 1.5, NaN, undefined, [1, 2, 3]]) {
      const e = new TrimfitError('invalid-option', 'alpha', 'a number in [0.5, 1]', received);
      const back = TrimfitError.fromJSON(JSON.parse(JSON.stringify(e.toJSON())));
      expect(back).toBeInstanceOf(TrimfitError);
      expect(back.toJSON()).toEqual(e.toJSON());
    }
    expect(TrimfitError.fromJSON(new TrimfitError('invalid-option', 'alpha', 'x', 'abc').toJSON()).received).toBe('"abc"');
  });
});
