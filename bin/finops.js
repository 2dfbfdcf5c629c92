#!/usr/bin/env -S node --max-old-space-size=256
// `finops` CLI. Everything it does streams; capping V8's old space makes it collect promoted
// garbage promptly, so peak RSS stays flat however large the imported file (bench/README.md).
import '../dist/src/cli.js';
