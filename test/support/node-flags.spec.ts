import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APP_NODE_FLAGS, REPO_ROOT } from './app-process';

/** The tests and the benchmark start the app with the flags it is deployed with. */
describe('the Node flags of the start command', () => {
  const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');

  it("are the ones package.json's start scripts use", () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts;
    for (const name of ['start', 'start:prod']) {
      expect(scripts[name]).toContain(`node ${APP_NODE_FLAGS.join(' ')} dist/`);
    }
  });

  it("are the ones the Dockerfile's CMD uses", () => {
    const cmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile'));
    expect(cmd).not.toBeNull();
    expect(JSON.parse(cmd![1])).toEqual([
      'node',
      ...APP_NODE_FLAGS,
      'dist/apps/api/apps/api/src/main.js',
    ]);
  });
});
