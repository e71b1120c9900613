#!/usr/bin/env node
// `npx pulse <command>`: the admin, import, evaluation and benchmark CLI.
// It runs the compiled output; `npm install` builds it (the prepare script).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('pulse: not built yet; run `npm run build` in the project first\n');
  process.exit(1);
}
require(entry);
