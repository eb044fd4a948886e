import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateOpenApiJson } from './generate-openapi';

/** `npm run openapi [path]`: writes openapi.json (default: at the repository root). */
async function main(): Promise<void> {
  const target = resolve(process.argv[2] ?? 'openapi.json');
  writeFileSync(target, await generateOpenApiJson());
  process.stdout.write(`Wrote ${target}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
