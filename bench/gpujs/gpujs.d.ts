// gpu.js is measured here but not a dependency (docs/decisions/0002-gpujs.md): this declaration
// lets the project type-check without it; measure.ts types the instance (GpuJs).
declare module 'gpu.js' {
  export class GPU {
    constructor(settings: { mode: string });
  }
}
