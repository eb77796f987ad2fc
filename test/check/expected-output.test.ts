import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { projectRoot } from '../helpers/paths.js';
import { EXPECTED_CASES, readExpected, recordRun, withExamplesOutput } from './expected-cases.js';

const HINT = 'if this change is intended, run `npm run test:update-expected` and commit the new expected files';

for (const expectedCase of EXPECTED_CASES) {
  t.test(`meshguard ${expectedCase.args.join(' ')} prints exactly test/check/expected/${expectedCase.name}.out`, async (t) => {
    t.equal(recordRun(expectedCase), readExpected(expectedCase.name), HINT);
  });
}

t.test('the README shows the real output of meshguard check examples/', async (t) => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  t.equal(readme, withExamplesOutput(readme, readExpected('examples.text')), HINT);
});
