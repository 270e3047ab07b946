import { type RunningWeft, startWeft } from '@weft/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';

let weft: RunningWeft;
beforeAll(async () => {
  weft = await startWeft({ seed: {}, limits: { token: 0, workspace: 0 } });
});
afterAll(() => weft.stop());

test('a Weft started in a vitest suite answers its client', async () => {
  const [me] = await weft.client.query({
    'q/from': 'fibery/user',
    'q/select': ['user/email'],
    'q/where': ['=', ['fibery/id'], '$my-id'],
  });
  expect(me).toEqual({ 'user/email': 'admin@example.com' });
});
