// A vitest project of its own, run by ../vitest.test.ts: @weft/testing as a vitest user meets it.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['weft-source'] },
  ssr: { resolve: { conditions: ['weft-source'] } },
  test: { include: ['*.vitest.ts'], testTimeout: 20_000 },
});
