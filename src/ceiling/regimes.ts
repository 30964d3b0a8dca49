/**
 * The paper's SFT-regime analysis (Ding et al., "Rethinking Expert Trajectory Utilization in LLM
 * Post-training", arXiv 2512.11470, v2 = ACL 2026 camera-ready, §6.2.1 Eqs. 5-9, App. H.2,
 * Fig. 8a and Table 1). Implemented as written there:
 *
 *   L_min    = the global minimum SFT validation loss over the checkpoints;
 *   T_stable = { x : L(x) <= (1 + δ) L_min },
 *   T_mild   = { x : (1 + δ) L_min < L(x) < (1 + δ2) L_min },
 *   T_severe = { x : L(x) >= (1 + δ2) L_min },          with (δ, δ2) = (0.02, 0.1);
 *   Adaptive = { x < min T_stable },  Stable = T_stable,
 *   Mild     = { x > max T_stable, x ∈ T_mild },  Severe = { x > max T_stable, x ∈ T_severe }.
 *
 * Eqs. 6-9 leave one case open: a checkpoint after the first stable one and before the last whose
 * loss rises above (1 + δ) L_min (a bump inside the stable window). It is reported as
 * 'unclassified' rather than assigned a regime the paper does not define.
 *
 * Switch point: the paper's answer to RQ2 is to start RL in the Stable regime ("train SFT to
 * saturation"), and its Table 1 runs switch "at the checkpoint with Min. Val Loss"; the
 * recommendation here is that checkpoint (the earliest one on ties, which costs the least SFT).
 *
 * Indicator: across SFT datasets the paper correlates each dataset's minimum validation loss with
 * its highest A_post (Fig. 8a: Pearson r = -0.92, Spearman -1.00 over five datasets), see
 * `minValLossCeilingCorrelation`.
 */
import { TrimfitError } from '../api/errors.js';
import { pearson, spearman } from '../core/stats.js';

export type SftRegime = 'adaptive' | 'stable' | 'mild' | 'severe' | 'unclassified';

export interface SftValLoss {
  sftStep: number;
  valLoss: number;
}

export interface SftCeiling {
  sftStep: number;
  /** The best post-training ceiling A_post of the RL branch started at this checkpoint. */
  aPost: number;
}

export interface SftRegimeOptions {
  /** Stable tolerance δ: stable while L <= (1 + δ) L_min. @default 0.02 */
  delta?: number;
  /** Severe threshold δ2: severe once L >= (1 + δ2) L_min. @default 0.1 */
  delta2?: number;
}

export interface SftCheckpointRegime {
  sftStep: number;
  valLoss: number;
  /** L / L_min - 1. */
  relativeRise: number;
  regime: SftRegime;
  /** A_post supplied for this checkpoint, or null. */
  aPost: number | null;
}

export interface SftRegimeAnalysis {
  dataset: string;
  delta: number;
  delta2: number;
  minValLoss: number;
  minValLossStep: number;
  /** First and last checkpoint of T_stable. */
  stableFirstStep: number;
  stableLastStep: number;
  /** Every checkpoint, ascending by step. */
  checkpoints: SftCheckpointRegime[];
  /** Recommended SFT->RL switch: the (earliest) checkpoint at L_min. */
  recommendedSwitchStep: number;
  /** Highest supplied A_post, its checkpoint (earliest on ties) and regime; null without ceilings. */
  highestAPost: number | null;
  highestAPostStep: number | null;
  highestAPostRegime: SftRegime | null;
}

/**
 * Relative slack on the regime boundaries, so a loss given in decimals that sits exactly on
 * (1 + δ) L_min is not pushed across by binary rounding of the product.
 */
const BOUNDARY_SLACK = 1e-12;

function checkStep(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0) throw new TrimfitError('invalid-input', field, 'an integer >= 0', value);
}

/** Classifies one dataset's SFT checkpoints into the paper's regimes; see the module comment. */
export function analyzeSftRegimes(
  input: { dataset?: string; valLosses: readonly SftValLoss[]; ceilings?: readonly SftCeiling[] },
  options: SftRegimeOptions = {},
): SftRegimeAnalysis {
  const delta = options.delta ?? 0.02;
  const delta2 = options.delta2 ?? 0.1;
  if (!(Number.isFinite(delta) && delta >= 0)) throw new TrimfitError('invalid-option', 'delta', 'a finite number >= 0', delta);
  if (!(Number.isFinite(delta2) && delta2 > delta)) throw new TrimfitError('invalid-option', 'delta2', `a finite number > delta (${delta})`, delta2);
  if (input.valLosses.length === 0) throw new TrimfitError('invalid-input', 'valLosses', 'at least one checkpoint', input.valLosses);

  const byStep = new Map<number, SftCheckpointRegime>();
  input.valLosses.forEach((v, i) => {
    checkStep(v.sftStep, `valLosses[${i}].sftStep`);
    if (!(Number.isFinite(v.valLoss) && v.valLoss > 0)) throw new TrimfitError('invalid-input', `valLosses[${i}].valLoss`, 'a finite number > 0', v.valLoss);
    if (byStep.has(v.sftStep)) throw new TrimfitError('invalid-input', `valLosses[${i}].sftStep`, 'a step not listed before', v.sftStep);
    byStep.set(v.sftStep, { sftStep: v.sftStep, valLoss: v.valLoss, relativeRise: NaN, regime: 'unclassified', aPost: null });
  });
  (input.ceilings ?? []).forEach((c, i) => {
    checkStep(c.sftStep, `ceilings[${i}].sftStep`);
    const cp = byStep.get(c.sftStep);
    if (cp === undefined) throw new TrimfitError('invalid-input', `ceilings[${i}].sftStep`, 'a step that has a validation loss', c.sftStep);
    if (!Number.isFinite(c.aPost)) throw new TrimfitError('invalid-input', `ceilings[${i}].aPost`, 'a finite number', c.aPost);
    if (cp.aPost !== null) throw new TrimfitError('invalid-input', `ceilings[${i}].sftStep`, 'a step not listed before', c.sftStep);
    cp.aPost = c.aPost;
  });

  const checkpoints = [...byStep.values()].sort((a, b) => a.sftStep - b.sftStep);
  let minCp = checkpoints[0];
  for (const cp of checkpoints) if (cp.valLoss < minCp.valLoss) minCp = cp;
  const minValLoss = minCp.valLoss;
  const stableLimit = (1 + delta) * minValLoss * (1 + BOUNDARY_SLACK);
  const severeLimit = (1 + delta2) * minValLoss * (1 - BOUNDARY_SLACK);

  const stable = checkpoints.filter((cp) => cp.valLoss <= stableLimit);
  const stableFirstStep = stable[0].sftStep;
  const stableLastStep = stable[stable.length - 1].sftStep;
  for (const cp of checkpoints) {
    cp.relativeRise = cp.valLoss / minValLoss - 1;
    if (cp.valLoss <= stableLimit) cp.regime = 'stable';
    else if (cp.sftStep < stableFirstStep) cp.regime = 'adaptive';
    else if (cp.sftStep > stableLastStep) cp.regime = cp.valLoss >= severeLimit ? 'severe' : 'mild';
    else cp.regime = 'unclassified';
  }

  let best: SftCheckpointRegime | null = null;
  for (const cp of checkpoints) if (cp.aPost !== null && (best === null || cp.aPost > (best.aPost as number))) best = cp;

  return {
    dataset: input.dataset ?? '',
    delta,
    delta2,
    minValLoss,
    minValLossStep: minCp.sftStep,
    stableFirstStep,
    stableLastStep,
    checkpoints,
    recommendedSwitchStep: minCp.sftStep,
    highestAPost: best?.aPost ?? null,
    highestAPostStep: best?.sftStep ?? null,
    highestAPostRegime: best?.regime ?? null,
  };
}

export interface MinLossCeilingCorrelation {
  n: number;
  pearson: number;
  /** Spearman's rho with average ranks for ties. */
  spearman: number;
}

/**
 * The paper's "Minimum Validation Loss as an Indicator" (Fig. 8a, App. H.2): across SFT datasets,
 * the correlation between each dataset's minimum SFT validation loss and its highest A_post.
 * Takes `analyzeSftRegimes` results directly (or any { minValLoss, highestAPost } rows). Needs at
 * least 3 datasets, because with 2 both coefficients are ±1 whatever the data, and each quantity
 * must vary, otherwise the coefficients are undefined.
 */
export function minValLossCeilingCorrelation(
  datasets: readonly { dataset?: string; minValLoss: number; highestAPost: number | null }[],
): MinLossCeilingCorrelation {
  if (datasets.length < 3) throw new TrimfitError('invalid-input', 'datasets', 'at least 3 datasets', datasets);
  const loss = new Float64Array(datasets.length);
  const ceiling = new Float64Array(datasets.length);
  datasets.forEach((d, i) => {
    const name = `datasets[${i}]${d.dataset ? ` (${d.dataset})` : ''}`;
    if (!(Number.isFinite(d.minValLoss) && d.minValLoss > 0)) throw new TrimfitError('invalid-input', `${name}.minValLoss`, 'a finite number > 0', d.minValLoss);
    if (d.highestAPost === null || !Number.isFinite(d.highestAPost)) throw new TrimfitError('invalid-input', `${name}.highestAPost`, 'a finite number (supply ceilings)', d.highestAPost);
    loss[i] = d.minValLoss;
    ceiling[i] = d.highestAPost;
  });
  const r = pearson(loss, ceiling);
  if (Number.isNaN(r)) {
    const field = loss.every((v) => v === loss[0]) ? 'datasets[].minValLoss' : 'datasets[].highestAPost';
    throw new TrimfitError('invalid-input', field, 'values that are not all equal', `all ${field.endsWith('Loss') ? loss[0] : ceiling[0]}`);
  }
  return { n: datasets.length, pearson: r, spearman: spearman(loss, ceiling) };
}
