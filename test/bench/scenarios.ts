/** The scenarios, in the order a full run takes them; BENCH_ONLY picks some of them. */
export const SCENARIOS = [
  'polling',
  'breakdown',
  'waiters',
  'streams',
  'joins',
  'rush',
  'capacity',
  'oneseat',
  'opening',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** BENCH_ONLY as a set of scenarios; null: a full run. An unknown name is an error. */
export function parseOnly(value: string | undefined): Set<Scenario> | null {
  if (value === undefined || value.trim() === '') return null;
  const names = value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `BENCH_ONLY: unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`,
    );
  }
  return new Set(names as Scenario[]);
}
