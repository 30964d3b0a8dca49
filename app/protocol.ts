/**
 * Messages between the page and its search workers, and the row the page shows per curve.
 * Everything here crosses postMessage (structured clone), so rows hold plain data only.
 */
import type { PageBackendChoice } from './backend.js';
import type { BackendInfo, FitWarning, GridSpec, Hyper, ModelName, RetuCurve, SearchMode } from '../src/index.js';

/** Run settings shared by every curve of one run (what the URL holds). */
export interface RunSettings {
  /** Model of uploaded curves; the RETU curves are always fitted with the paper's sigmoid. */
  model: ModelName;
  search: SearchMode;
  grid: GridSpec;
  seed: number;
  ltsStarts: number;
  bootstrapResamples: number;
  gapWeight: number;
  /** Highest possible score of uploaded curves (100 for percentages): bounds u so that A_post ≤ it; null for none. RETU curves always use 100. */
  scoreCap: number | null;
  /** Lowest possible score of uploaded curves (0 for percentages): bounds u so that A_post ≥ it; null for none. RETU curves always use 0. */
  scoreFloor: number | null;
  /** Engine request: 'auto' (WebGPU on a hardware adapter, else CPU), 'webgpu' or 'cpu'. */
  backend: PageBackendChoice;
}

/** One curve to fit: a RETU branch (fitted as the paper's gain over P_sft) or an uploaded x,y curve. */
export type CurveTask =
  | { kind: 'retu'; curve: RetuCurve }
  /** y is the gain over pSft when the file gave one (a p_sft column or a pSft field), else as loaded. */
  | { kind: 'xy'; id: string; dataset: string; x: Float64Array; y: Float64Array; pSft?: number };

export interface Interval {
  lower: number;
  upper: number;
}

/** The result of one curve, as listed in the table and exported. */
export interface PageRow {
  id: string;
  dataset: string;
  model: ModelName;
  sftStep: number | null;
  xSft: number | null;
  /** Score of the starting checkpoint (RETU curves; uploads whose file gives one); the plot adds it back to the gains. */
  pSft: number | null;
  /** Natural parameters of the chosen fit. */
  params: Record<string, number>;
  /** Sigmoid only: A_post = P_sft + u (u alone for uploaded curves without a P_sft), PL_rl = u (with a P_sft), ε = c0. */
  aPost: number | null;
  plRl: number | null;
  epsilon: number | null;
  cMid: number | null;
  b: number | null;
  hyper: Hyper | null;
  r2Train: number | null;
  r2Val: number | null;
  rmseVal: number | null;
  /** r2Val − g·max(0, r2Train − r2Val); null when no setting had a validation R². */
  score: number | null;
  /** Bootstrap intervals by column name (aPost, plRl, cMid, b, or the model's parameters). */
  ci: { level: number; intervals: Record<string, Interval> } | null;
  /** Pointwise bootstrap band of the fitted curve, in the plot's y units; empty without bootstrap. */
  band: Array<{ x: number } & Interval>;
  status: string;
  message: string;
  /** What to check before trusting the fit (the library's FitResult.warnings); empty for a clean or failed fit. */
  warnings: FitWarning[];
  settingsTried: number;
  /** Indices into the curve's points (sorted by x). */
  stage1Rejected: number[];
  ltsTrimmed: number[];
  elapsedMs: number;
}

/**
 * What produced the rows on show: the settings as they were when the run started (the form is
 * locked while it runs) and the engine that ran it (a worker's report replaces the page's plan if
 * WebGPU could not start). Exports record this, not the form's current values.
 */
export interface RunProvenance {
  settings: RunSettings;
  backend: BackendReport;
  /** ISO times; finishedAt is null while the run is in progress. */
  startedAt: string;
  finishedAt: string | null;
  state: 'running' | 'done' | 'cancelled';
}

/** `engine` and `backend` are the page's choice for the run (see backend.ts). */
export type WorkerRequest = { type: 'run'; taskId: number; task: CurveTask; settings: RunSettings; engine: 'webgpu' | 'cpu'; backend: BackendReport };

export interface BackendReport extends BackendInfo {
  /** The browser's WebGPU adapter, whether or not the search uses it. */
  adapter: string | null;
}

export type WorkerMessage =
  | { type: 'backend'; backend: BackendReport }
  | { type: 'row'; taskId: number; row: PageRow; fitsDone: number }
  | { type: 'error'; taskId: number; message: string };
