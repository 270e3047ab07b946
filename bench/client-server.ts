// The server side of bench/client.bench.ts: an embedded Weft (in-memory SQLite) in its own process,
// with the per-token and per-workspace limits of BENCH_LIMITS ("30,70"; "0,0" for none). Prints one
// JSON line: { url, token }.
import { startEmbedded } from '../packages/server/src/embed.ts';

const [token, workspace] = (process.env.BENCH_LIMITS ?? '0,0').split(',').map(Number);
const weft = await startEmbedded({ limits: { token, workspace } });
process.stdout.write(`${JSON.stringify({ url: weft.url, token: weft.token })}\n`);
process.on('SIGTERM', async () => {
  await weft.stop();
  process.exit(0);
});
