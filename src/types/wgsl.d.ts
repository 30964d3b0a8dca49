// WGSL sources are imported as text (Vite's `?raw`), both under vitest and in the library builds.
declare module '*.wgsl?raw' {
  const source: string;
  export default source;
}
