/**
 * How far an f32 LTS objective of the WebGPU kernel may lie from the f64 reference: the one
 * definition used by the conformance spec, the GPU tests and the kernel profile.
 *
 * Derivation: the kernel works in a per-curve conditioned frame (y' = (y − mean)/yScale), so
 * residuals are computed to about K·eps·yScale. A sum of h squared residuals r then moves by about
 * 2·Σ|r|·K·eps·yScale ≤ 2·sqrt(h·objective)·K·eps·yScale, plus K·eps·objective for the f32 sum
 * itself. K = 2^8 covers exp/log/division rounding amplified by the steepness b and the different
 * but equally converged iterates of the two precisions.
 */

/** Machine epsilon of f32 (2^-23): tolerances of f32 kernels are multiples of it. */
export const F32_EPS = 2 ** -23;
/** K of the derivation above. */
export const F32_TOLERANCE_FACTOR = 2 ** 8;

/** The allowed |f32 objective − f64 objective| for a trimmed sum of h squared residuals. */
export function f32ObjectiveTolerance(reference: number, h: number, yScale: number): number {
  return F32_TOLERANCE_FACTOR * F32_EPS * (reference + 2 * Math.sqrt(h * reference) * yScale);
}
