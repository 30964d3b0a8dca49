// bench/host-path.ts (the WebGPU backend's host work per call without a device) on a small batch:
// every variant runs and reports its three parts (no timing is asserted: that is the tool's job).
import { describe, expect, it } from 'vitest';
import { formatHostPathTable, measureHostPath } from '../../bench/host-path.js';

describe('bench/host-path', () => {
  it('times prepare, pack and decode for both job forms, with a new or a reused result', () => {
    const rows = measureHostPath({ n: [16], candidates: 4096, samples: 2, candidatesPerChunk: 1024 });
    expect(rows.map((r) => [r.form, r.results])).toEqual([['objects', 'new per call'], ['objects', 'reused'], ['table', 'new per call'], ['table', 'reused']]);
    for (const r of rows) {
      expect(r.candidates).toBe(4096);
      expect(r.samples).toBe(2);
      for (const ms of [r.prepareMs, r.packMs, r.decodeMs]) expect(ms).toBeGreaterThanOrEqual(0);
      expect(r.totalMs).toBeCloseTo(r.prepareMs + r.packMs + r.decodeMs, 0);
    }
    expect(formatHostPathTable(rows).split('\n')).toHaveLength(2 + rows.length);
  });
});
