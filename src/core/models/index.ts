/**
 * Model factory. `createModel` turns resolved settings and the data range of a curve into a Model;
 * bounds that depend on the data (sigmoid cMid, shift and rate scales of the other models) are
 * derived here from `data`, which must cover every x the model will be evaluated at (power and log
 * are undefined below data.xMin).
 */
import type { Model, ModelName, ModelSettings } from './model.js';
import { createExp } from './exp.js';
import { createLinear } from './linear.js';
import { createLog } from './log.js';
import { createPower } from './power.js';
import { createSigmoid } from './sigmoid.js';
import type { DataRange } from './varpro.js';

export type { Model, ModelName, ModelSettings, XDomain } from './model.js';
export { MODEL_NAMES } from './model.js';
export type { DataRange } from './varpro.js';

/** cMid bounds derived from the data when the caller passes NaN: [xMinPositive/100, xMax·100]. */
export const CMID_DATA_FACTOR = 100;

export const DEFAULT_MODEL_SETTINGS: Readonly<ModelSettings> = Object.freeze({
  /** @default false — c0 (epsilon) fixed at 0, as in the paper's main fits. */
  freeEpsilon: false,
  /** @default Infinity — no score cap; pass (cap − pSft) to bound the sigmoid's u. */
  uMax: Infinity,
  /** @default 0.05 — flatter sigmoids are indistinguishable from a line in ln x over real data. */
  bMin: 0.05,
  /** @default 20 — steeper ones are a step function between two adjacent points. */
  bMax: 20,
  /** @default NaN — derived from the data: xMinPositive / 100. */
  cMidMin: NaN,
  /** @default NaN — derived from the data: xMax · 100. */
  cMidMax: NaN,
});

/**
 * Builds the model `name`. For the sigmoid, NaN cMid bounds are replaced by
 * [data.xMinPositive/100, data.xMax·100]; that needs a positive finite xMinPositive and xMax, and a
 * RangeError says so otherwise (the api layer validates curves before this point).
 */
export function createModel(name: ModelName, settings: ModelSettings, data: DataRange): Model {
  switch (name) {
    case 'sigmoid': {
      const cMidMin = Number.isNaN(settings.cMidMin) ? data.xMinPositive / CMID_DATA_FACTOR : settings.cMidMin;
      const cMidMax = Number.isNaN(settings.cMidMax) ? data.xMax * CMID_DATA_FACTOR : settings.cMidMax;
      if (!(cMidMin > 0 && cMidMin <= cMidMax && Number.isFinite(cMidMax))) {
        throw new RangeError(`sigmoid cMid bounds must satisfy 0 < cMidMin ≤ cMidMax < ∞, got [${cMidMin}, ${cMidMax}] (data xMinPositive ${data.xMinPositive}, xMax ${data.xMax})`);
      }
      if (!(settings.bMin > 0 && settings.bMin <= settings.bMax && Number.isFinite(settings.bMax))) {
        throw new RangeError(`sigmoid b bounds must satisfy 0 < bMin ≤ bMax < ∞, got [${settings.bMin}, ${settings.bMax}]`);
      }
      if (Number.isNaN(settings.uMax)) throw new RangeError('sigmoid uMax must be a number or Infinity, got NaN');
      if (settings.uMin !== undefined && !(settings.uMin <= settings.uMax)) throw new RangeError(`sigmoid uMin must be ≤ uMax, got uMin ${settings.uMin}, uMax ${settings.uMax}`);
      return createSigmoid({ ...settings, cMidMin, cMidMax });
    }
    case 'power':
      return createPower(data);
    case 'log':
      return createLog(data);
    case 'exp':
      return createExp(data);
    case 'linear':
      return createLinear(data);
    default:
      throw new RangeError(`unknown model ${String(name)}`);
  }
}
