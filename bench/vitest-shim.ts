/**
 * The part of vitest's API that the conformance spec uses (describe, it, expect with a few
 * matchers), so the spec runs unchanged as plain built JS where vitest is not installed (the GPU
 * machine). An unknown matcher throws: a spec that outgrows the shim fails loudly, never passes.
 */
type TestFn = () => unknown | Promise<unknown>;
interface Registered { name: string; fn: TestFn }

const registered: Registered[] = [];
const prefix: string[] = [];

export function describe(name: string, body: () => void): void {
  prefix.push(name);
  try {
    body();
  } finally {
    prefix.pop();
  }
}

export function it(name: string, fn: TestFn): void {
  registered.push({ name: [...prefix, name].join(' > '), fn });
}
export const test = it;

class AssertionError extends Error {}

const fmt = (v: unknown): string => {
  try {
    return typeof v === 'number' ? String(v) : JSON.stringify(v)?.slice(0, 200) ?? String(v);
  } catch {
    return String(v);
  }
};

export function expect(actual: unknown) {
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new AssertionError(`expected ${fmt(actual)} ${what}`);
  };
  const matchers: Record<string, (expected?: unknown, digits?: number) => void> = {
    toBe: (e) => check(Object.is(actual, e), `to be ${fmt(e)}`),
    toEqual: (e) => check(JSON.stringify(actual) === JSON.stringify(e), `to equal ${fmt(e)}`),
    toHaveLength: (e) => check((actual as { length?: number })?.length === e, `to have length ${fmt(e)}`),
    toBeGreaterThanOrEqual: (e) => check((actual as number) >= (e as number), `to be ≥ ${fmt(e)}`),
    toBeGreaterThan: (e) => check((actual as number) > (e as number), `to be > ${fmt(e)}`),
    toBeLessThanOrEqual: (e) => check((actual as number) <= (e as number), `to be ≤ ${fmt(e)}`),
    toBeLessThan: (e) => check((actual as number) < (e as number), `to be < ${fmt(e)}`),
    toBeTruthy: () => check(!!actual, 'to be truthy'),
    toBeCloseTo: (e, digits = 2) => check(Math.abs((actual as number) - (e as number)) < 10 ** -digits / 2, `to be close to ${fmt(e)}`),
  };
  return new Proxy(matchers, {
    get(target, key) {
      if (typeof key === 'string' && key in target) return target[key];
      throw new Error(`vitest-shim: matcher ${String(key)} is not implemented`);
    },
  });
}

/** Runs every registered test in order; resolves to the number of failures. */
export async function runRegistered(log: (line: string) => void = console.log): Promise<number> {
  let failures = 0;
  for (const t of registered) {
    const start = performance.now();
    try {
      await t.fn();
      log(`PASS ${t.name} (${((performance.now() - start) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failures++;
      log(`FAIL ${t.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return failures;
}
