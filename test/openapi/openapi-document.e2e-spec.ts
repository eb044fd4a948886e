import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApiJson } from '../../apps/api/src/openapi/generate-openapi';
import { serializeOpenApiDocument } from '../../apps/api/src/openapi/serialize-openapi';
import { REPO_ROOT } from '../support/app-process';
import { call } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

const OPENAPI_JSON = join(REPO_ROOT, 'openapi.json');

/** Fails with the command to run and the first line that differs. */
export function expectUpToDate(committed: string, current: string): void {
  if (committed === current) return;
  const was = committed.split('\n');
  const is = current.split('\n');
  let line = 0;
  while (line < Math.max(was.length, is.length) && was[line] === is[line]) line += 1;
  throw new Error(
    [
      'openapi.json is stale: run `npm run openapi` and commit openapi.json.',
      `First difference at line ${line + 1}:`,
      `  openapi.json: ${was[line] ?? '(end of file)'}`,
      `  the app:      ${is[line] ?? '(end of file)'}`,
    ].join('\n'),
  );
}

describe('openapi.json', () => {
  let t: TestApp;
  let served: string;

  beforeAll(async () => {
    // The document of a service with the default settings (the harness turns the rate limit off).
    t = await createTestApp({ env: { RATE_LIMIT_PER_SECOND: '20', RATE_LIMIT_BURST: '40' } });
    const response = await call(t.app, 'GET', '/docs-json');
    expect(response.status).toBe(200);
    served = serializeOpenApiDocument(response.body);
  });
  afterAll(() => t.close());

  it('is the document the app serves at /docs-json', () => {
    expectUpToDate(readFileSync(OPENAPI_JSON, 'utf8'), served);
  });

  it('is what `npm run openapi` writes (built without a database)', async () => {
    expect(await generateOpenApiJson()).toBe(served);
  });

  it('says what to run when it is stale', () => {
    const stale = () => expectUpToDate('{\n  "a": 1\n}\n', '{\n  "a": 2\n}\n');
    expect(stale).toThrow('openapi.json is stale: run `npm run openapi` and commit openapi.json.');
    expect(stale).toThrow(
      'First difference at line 2:\n  openapi.json:   "a": 1\n  the app:        "a": 2',
    );
    expect(() => expectUpToDate('same\n', 'same\n')).not.toThrow();
  });
});
