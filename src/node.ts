/** Node entry: the public API plus what needs the file system (reading a RETU data directory). */
export * from './index.js';
export { readRetuDir } from './ceiling/retu-node.js';
