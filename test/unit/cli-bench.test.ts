// `trimfit bench --retu DIR`: the folder asked for, or an error; and the report says which folder
// the paper-search case read.
import { describe, expect, test } from 'vitest';
import { resolve } from 'node:path';
import { nodeBenchEnv } from '../../src/bench/node.js';

describe('nodeBenchEnv retuDir', () => {
  test('a folder without RETU data is a file-not-found error naming retu (no fallback to another folder)', async () => {
    await expect(nodeBenchEnv({ retuDir: '/nonexistent/retu' })).rejects.toMatchObject({ code: 'file-not-found', field: 'retu', received: '"/nonexistent/retu"' });
  });
  test('the note of the report names the RETU folder used', async () => {
    const env = await nodeBenchEnv({ retuDir: '../shared/data/retu', note: 'test' });
    expect(env.retuCurves?.length).toBeGreaterThan(0);
    expect(env.note).toMatch(/^test; /);
    expect(env.note).toContain(`RETU data from ${resolve('../shared/data/retu')}`);
  });
});
