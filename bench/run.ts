// `npm run bench`: every benchmark, each reporting ratios against a baseline run side by side.
// `npm run bench -- auth`, `-- commands`, `-- ratelimit`, `-- oauth` or `-- client` runs one of them.
import { runAuthBench } from './auth.bench.ts';
import { runClientBench } from './client.bench.ts';
import { runCommandsBench } from './commands.bench.ts';
import { runOAuthBench } from './oauth.bench.ts';
import { runRateLimitBench } from './ratelimit.bench.ts';

const only = process.argv[2];
console.log(`Weft benchmarks on Node.js ${process.version}; ratios are medians of alternating rounds.\n`);
if (!only || only === 'auth') {
  console.log('Token authentication (GET, 16 connections, server in its own process, SQLite):');
  await runAuthBench();
}
if (!only || only === 'commands') {
  console.log(
    `\nCommands API over 100,000 entities (SQLite${process.env.BENCH_DATABASE_URL ? ' → PostgreSQL' : ''}):`,
  );
  await runCommandsBench();
}
if (!only || only === 'ratelimit') {
  console.log('\nRate limits:');
  await runRateLimitBench();
}
if (!only || only === 'oauth') {
  console.log('\nOAuth (server in its own process, SQLite, 16 connections):');
  await runOAuthBench();
}
if (!only || only === 'client') {
  console.log('\n@weft/client and @weft/testing:');
  await runClientBench();
}
