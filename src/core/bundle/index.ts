export * from './manifest';
export * from './verify';
export * from './to-job';
export * from './check-images';
export * from './build';
export { parseStrictJson } from './strict-json';
