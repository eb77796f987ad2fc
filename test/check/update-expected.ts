import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../helpers/paths.js';
import { EXPECTED_CASES, expectedDir, expectedPath, recordRun, withExamplesOutput } from './expected-cases.js';

// `npm run test:update-expected`: rewrites every pinned output and the README's example run.
mkdirSync(expectedDir, { recursive: true });
for (const expectedCase of EXPECTED_CASES) {
  writeFileSync(expectedPath(expectedCase.name), recordRun(expectedCase));
  process.stdout.write(`wrote ${expectedPath(expectedCase.name)}\n`);
}
const readmePath = join(projectRoot, 'README.md');
writeFileSync(readmePath, withExamplesOutput(readFileSync(readmePath, 'utf8'), readFileSync(expectedPath('examples.text'), 'utf8')));
process.stdout.write(`updated the check-examples block of ${readmePath}\n`);
