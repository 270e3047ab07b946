// `npm run bench`: every benchmark, each reporting ratios against a baseline run side by side.
import { runAuthBench } from './auth.bench.ts';

console.log(`Weft benchmarks on Node.js ${process.version}; ratios are medians of alternating rounds.\n`);
console.log('Token authentication (GET, 16 connections, server in its own process, SQLite):');
await runAuthBench();
