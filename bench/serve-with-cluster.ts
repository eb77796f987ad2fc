import { parseArgs } from 'node:util';
import { defaultRegistry } from '../src/rules/catalog.js';
import { serve } from '../src/server/serve.js';
import { loadSettings } from '../src/settings.js';
import { scenarioNamed, scenarioView } from './clusters.js';

/**
 * `meshguard serve` with a manifest ClusterView of a benchmark cluster loaded, so that the served
 * process judges against the same cluster as the in-process measurement. Settings come from the
 * MESHGUARD_* environment like the real command; SIGINT stops at once.
 */
const { values } = parseArgs({ options: { cluster: { type: 'string', default: 'empty' } } });
const registry = defaultRegistry();
const settings = loadSettings({ env: process.env, knownRules: new Set(registry.all().map((rule) => rule.id)) });
const view = scenarioView(scenarioNamed(values.cluster), settings.rootNamespace);
const server = await serve({ settings, registry, view });
process.once('SIGINT', () => void server.close().then(() => process.exit(0)));
