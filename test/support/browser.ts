import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { REPO_ROOT } from './app-process';

/**
 * Real-browser tests: Debian's `chromium` driven by playwright-core. Without the browser they
 * are skipped (the global setup says so in one line), unless REQUIRE_BROWSER=1 (set by
 * .ci/run), which turns a missing browser into a failure.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Where the screenshots of failed browser tests go (git-ignored). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts', 'browser');

export function browserAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function browserRequired(): boolean {
  return ['1', 'true', 'yes'].includes((process.env.REQUIRE_BROWSER ?? '').toLowerCase());
}

/** The one line `npm test` prints when the browser tests cannot run. */
export function missingBrowserNotice(): string {
  return `Browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH).`;
}

/**
 * `describe` for browser tests: runs them when Chromium is there; otherwise skips them, or,
 * with REQUIRE_BROWSER=1, fails with the reason.
 */
export function describeWithBrowser(name: string, body: () => void): void {
  if (browserAvailable()) {
    describe(name, body);
  } else if (browserRequired()) {
    describe(name, () => {
      it('needs Chromium (REQUIRE_BROWSER=1)', () => {
        throw new Error(missingBrowserNotice().replace('skipped', 'required'));
      });
    });
  } else {
    describe.skip(name, body);
  }
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'ticketing-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught page errors, as text. */
  errors: string[];
}

/** A new tab whose console errors and page errors are collected. */
export async function watchedPage(browser: Browser): Promise<WatchedPage> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() === 404) errors.push(`404: ${response.url()}`);
  });
  return { page, errors };
}

/**
 * Runs a browser test step; when it fails, keeps a screenshot of the page and prints its path,
 * then fails as it would have.
 */
export async function withScreenshotOnFailure<T>(
  page: Page,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const file = path.join(
      ARTIFACTS_DIR,
      `${name.replace(/[^\w.-]+/g, '-')}-${new Date().toISOString().replace(/[:.]/g, '-')}.png`,
    );
    try {
      await page.screenshot({ path: file, fullPage: true });
      console.error(`Screenshot of the failed browser test: ${file}`);
    } catch (screenshotError) {
      console.error(`No screenshot (${String(screenshotError)})`);
    }
    throw error;
  }
}
