import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Tests run compiled from dist/test/…; fixtures and the CLI are addressed from the project root. */
export const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const fixturePath = (...parts: string[]) => join(projectRoot, 'test', 'fixtures', ...parts);
export const cliPath = join(projectRoot, 'dist', 'src', 'cli.js');
