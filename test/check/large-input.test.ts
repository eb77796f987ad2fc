import t from 'tap';
import { runCli } from '../helpers/cli.js';

t.test('check handles thousands of documents from standard input', async (t) => {
  const policy = (i: number) =>
    `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: p${i}\n  namespace: shop\nspec:\n  action: ALLOW\n  rules:\n  - to:\n    - operation:\n        methods: ["GET"]\n`;
  const stdin = Array.from({ length: 2000 }, (_, i) => policy(i)).join('---\n');
  const { code, stdout } = runCli(['check', '-'], { stdin });
  t.equal(code, 0);
  t.equal(stdout, '1 file, 2000 objects, 2000 checked: 0 deny, 0 warn\n');
});
