import { parseArgs } from 'node:util';

/** The command line of a floor server the benchmark starts: `--cert-dir DIR --port N`; exits 2 with the usage otherwise. */
export function floorServerArgs(command: string): { certDir: string; port: number } {
  const { values } = parseArgs({ options: { 'cert-dir': { type: 'string' }, port: { type: 'string' } } });
  const certDir = values['cert-dir'];
  const port = Number(values.port);
  if (!certDir || !Number.isInteger(port)) {
    process.stderr.write(`usage: ${command} --cert-dir DIR --port N\n`);
    process.exit(2);
  }
  return { certDir, port };
}
