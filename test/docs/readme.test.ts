import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { withRuleTable } from '../../src/docs/rule-table.js';
import { ALL_RULES } from '../../src/rules/catalog.js';
import { projectRoot } from '../helpers/paths.js';

t.test('the README rule table matches the registry (run npm run docs after changing a rule)', async (t) => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  t.equal(readme, withRuleTable(readme, ALL_RULES));
});

t.test('every registered rule appears in the README table with its id and severity', async (t) => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  for (const rule of ALL_RULES) t.match(readme, `| ${rule.id} | ${rule.kinds.join(', ')} | ${rule.severity} |`);
});
