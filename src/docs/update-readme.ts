import { readFileSync, writeFileSync } from 'node:fs';
import { ALL_RULES } from '../rules/catalog.js';
import { withRuleTable } from './rule-table.js';

const readme = new URL('../../../README.md', import.meta.url);
writeFileSync(readme, withRuleTable(readFileSync(readme, 'utf8'), ALL_RULES));
