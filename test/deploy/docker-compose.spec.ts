import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { validateEnvironment } from '@app/common/config/environment';

/**
 * docker-compose.yml publishes the API on a port: it must not run with a known admin key or
 * hand out demo users with balances. (No Docker engine here: the file is checked as YAML.)
 */
describe('docker-compose.yml', () => {
  const text = readFileSync(path.join(__dirname, '../../docker-compose.yml'), 'utf8');
  const compose = load(text) as {
    services: Record<string, { environment?: Record<string, string> }>;
  };
  const api = compose.services.api.environment ?? {};

  it('requires ADMIN_API_KEY from the environment, with no default', () => {
    // ${VAR:?message}: compose refuses to start when VAR is unset or empty.
    expect(api.ADMIN_API_KEY).toMatch(/^\$\{ADMIN_API_KEY:\?[^}]+\}$/);
    expect(text).not.toMatch(/change-me/);
    expect(text).not.toMatch(/\$\{ADMIN_API_KEY:?-/);
  });

  it('keeps the demo seed off', () => {
    expect(String(api.SEED_DEMO_DATA)).toBe('false');
  });

  it('gives the API an environment the app accepts, once the key is set', () => {
    const resolved = { ...api, ADMIN_API_KEY: 'a-long-random-secret' };
    const env = validateEnvironment(resolved);
    expect(env.ADMIN_API_KEY).toBe('a-long-random-secret');
    expect(env.SEED_DEMO_DATA).toBe(false);
  });
});
