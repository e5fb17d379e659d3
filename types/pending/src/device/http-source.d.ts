import type { SourcePort } from '../../../../src/core/ports';
export function createHttpSources(options?: object): SourcePort;
