#!/usr/bin/env node
'use strict';
const { loadTs } = require('./load-ts');

loadTs('tools/cli/main.ts', 'cli/reflasher.cjs').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
