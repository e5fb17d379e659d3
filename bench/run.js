#!/usr/bin/env node
'use strict';
// `npm run bench`: the TypeScript bench (bench/main.ts), bundled at each start as the CLI is.
require('../tools/bin/load-ts').loadTs('bench/main.ts', 'bench/bench.cjs');
