/**
 * How many generated cases each property tries: `npm test` runs a bounded number (`defaultRuns`);
 * `npm run test:property` runs many more (PROPERTY_RUNS), and PROPERTY_SEED replays a failure that
 * fast-check reported.
 */
export function propertyRunOptions(defaultRuns: number): { numRuns: number; seed?: number } {
  const numRuns = Number(process.env.PROPERTY_RUNS ?? defaultRuns);
  const seed = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED);
  return { numRuns, ...(seed === undefined ? {} : { seed }) };
}
