import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { REPO_ROOT } from '../support/app-process';

const CLIENT_DIR = join(REPO_ROOT, 'test', 'openapi', 'client');

/** Type-checks buyer-client.ts with `concert-ticketing-api` mapped to the given types. */
function typeErrors(apiTypes: string, dir: string): string[] {
  const tsconfig = join(dir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(CLIENT_DIR, 'tsconfig.json'),
      compilerOptions: { baseUrl: dir, paths: { 'concert-ticketing-api': [apiTypes] } },
      include: [join(CLIENT_DIR, '*.ts')],
    }),
  );
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`Cannot read ${tsconfig}`);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined) return text;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${diagnostic.file.fileName.replace(`${REPO_ROOT}/`, '')}:${line + 1} ${text}`;
  });
}

describe('a client typed by openapi-typescript from openapi.json', () => {
  let dir: string;
  let generated: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openapi-client-'));
    generated = join(dir, 'api.d.ts');
    await promisify(execFile)(
      process.execPath,
      [
        join(REPO_ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'),
        join(REPO_ROOT, 'openapi.json'),
        '--output',
        generated,
      ],
      { cwd: dir, timeout: 90_000 },
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('does the buyer calls, and type-checks', () => {
    expect(typeErrors(generated, dir)).toEqual([]);
  });

  it('fails to type-check when the document loses what the client uses', () => {
    // The same document with `position` renamed and the pay path gone.
    const broken = join(dir, 'broken.d.ts');
    const text = ts.sys.readFile(generated) ?? '';
    writeFileSync(
      broken,
      text
        .replace(/\bposition: number \| null;/g, 'place: number | null;')
        .replace('"/performance_seats/{id}/pay": {', '"/performance_seats/{id}/purchase": {'),
    );
    const errors = typeErrors(broken, dir).join('\n');
    expect(errors).toMatch(/Property 'position' does not exist/);
    expect(errors).toMatch(/performance_seats\/\{id\}\/pay/);
  });
});
