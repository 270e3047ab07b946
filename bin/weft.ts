#!/usr/bin/env node
// The `weft` command. The only place besides tests that touches `process`.
import { runCli } from '../packages/server/src/cli/index.ts';

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signals: process,
});
process.exitCode = code;
// Nothing should be left running; if something is, do not hang on it.
setTimeout(() => process.exit(code), 2000).unref();
