import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(__dirname, 'fixtures');
const CONFIG = path.join(ROOT, '.dependency-cruiser.js');
const DEPCRUISE = path.join(ROOT, 'node_modules/.bin/depcruise');

interface Violation {
  from: string;
  rule: string;
}

/** dependency-cruiser with the project's configuration on `apps` and `libs` under `cwd`. */
function cruise(cwd: string): Violation[] {
  const run = spawnSync(DEPCRUISE, ['apps', 'libs', '--config', CONFIG, '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!run.stdout) throw new Error(`depcruise printed nothing: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as {
    summary: { violations: { from: string; rule: { name: string } }[] };
  };
  return result.summary.violations.map((v) => ({ from: v.from, rule: v.rule.name }));
}

const ruleNames = (): string[] =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(CONFIG) as { forbidden: { name: string }[] }).forbidden.map((rule) => rule.name);

/** Each deliberately bad import under fixtures/, and the rules it must break. */
const EXPECTED: Record<string, string[]> = {
  'libs/booking/src/domain/bad-domain-imports-framework.ts': ['domain-imports-no-framework'],
  'libs/booking/src/domain/bad-domain-imports-application.ts': ['domain-imports-no-outer-layer'],
  'libs/booking/src/domain/bad-domain-imports-adapter-barrel.ts': [
    'inner-layers-import-no-module-barrel',
    'inner-layers-reach-no-adapter',
  ],
  'libs/booking/src/application/bad-use-case-imports-adapter.ts': [
    'application-imports-no-adapter',
    'inner-layers-reach-no-adapter',
  ],
  'libs/booking/src/application/bad-use-case-imports-orm.ts': [
    'application-imports-no-orm-or-http',
  ],
  'libs/booking/src/application/bad-use-case-imports-context-module.ts': [
    'inner-layers-import-no-module-barrel',
    'inner-layers-reach-no-adapter',
    'module-barrel-only-from-adapters',
  ],
  'libs/booking/src/adapter/in/http/bad-controller-imports-repository.ts': [
    'adapter-in-imports-no-adapter-out',
  ],
  'libs/booking/src/adapter/out/persistence/bad-repository-imports-other-context.ts': [
    'contexts-meet-only-at-public-entries',
  ],
  // A cycle is reported once, from the file the cruise reaches first.
  'libs/booking/src/adapter/out/persistence/bad-cycle-a.ts': ['no-circular'],
  'libs/common/src/config/bad-kernel-imports-context.ts': ['kernel-imports-no-context'],
  'libs/common/src/config/bad-kernel-loads-context-module.ts': ['kernel-loads-no-context-module'],
  'apps/api/src/metrics/bad-reader-runs-sql.ts': ['apps-run-no-sql'],
  'apps/api/src/metrics/bad-reader-uses-query-helper.ts': ['apps-run-no-sql'],
  'libs/common/src/domain/bad-production-imports-test-support.ts': [
    'production-imports-no-test-code',
  ],
};

describe('layer rules (.dependency-cruiser.js)', () => {
  it('rejects each deliberately bad import with its rule, and nothing else', () => {
    const found: Record<string, string[]> = {};
    for (const { from, rule } of cruise(FIXTURES)) {
      found[from] = [...new Set([...(found[from] ?? []), rule])].sort();
    }
    const expected = Object.fromEntries(
      Object.entries(EXPECTED).map(([file, rules]) => [file, [...rules].sort()]),
    );
    expect(found).toEqual(expected);
  });

  it('has a bad import proving every rule it declares', () => {
    const proven = new Set(Object.values(EXPECTED).flat());
    expect(ruleNames().filter((name) => !proven.has(name))).toEqual([]);
  });

  it('passes the real tree', () => {
    expect(cruise(ROOT)).toEqual([]);
  });
});
