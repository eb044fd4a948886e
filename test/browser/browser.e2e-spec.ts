import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from '../support/app-process';
import { AdmitQueuedTokensUseCase } from '@app/queue';
import { ADMIN_KEY, createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import {
  insertActiveToken,
  insertConcert,
  insertHold,
  insertPerformance,
  insertUser,
} from '../support/fixtures';
import {
  Browser,
  describeWithBrowser,
  launchBrowser,
  watchedPage,
  withScreenshotOnFailure,
} from '../support/browser';

/**
 * The browser tests share one Chromium and one app (a browser start is the slow part).
 */
describeWithBrowser('in a real browser: Swagger UI (/docs) and the buyer page (/demo)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  /** A frontend team's own origin: the demo page served by another server, on another port. */
  let frontend: Server;
  let frontendOrigin: string;

  beforeAll(async () => {
    // Port 0 and the bound port: the frontend's origin must be known before the app starts.
    frontend = await serveDemoFiles();
    frontendOrigin = `http://127.0.0.1:${(frontend.address() as AddressInfo).port}`;
    [t, browser] = await Promise.all([
      // The live-position streams refresh every 100 ms; the test runs the admission ticks.
      createTestApp({
        env: { SCHEDULER_INTERVAL_MS: '100', CORS_ORIGINS: `${frontendOrigin},http://x.invalid` },
      }),
      launchBrowser(),
    ]);
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => frontend?.close(resolve));
    await t?.close();
  });

  describe('Swagger UI at /docs', () => {
    it('loads with no console errors; Authorize then "Try it out" on token_info answers 200', async () => {
      const userId = await insertUser(t.db);
      const issued = await call(t.app, 'POST', '/user_queue_tokens', { body: { user_id: userId } });
      expect(issued.status).toBe(201);
      const token: string = issued.body.token;

      const { page, errors } = await watchedPage(browser);
      await withScreenshotOnFailure(page, 'swagger-ui', async () => {
        await page.goto(`${base}/docs`);
        await page.locator('.swagger-ui .info .title').waitFor();
        expect(await page.locator('.swagger-ui .info .title').textContent()).toContain(
          'Concert ticketing API',
        );

        // Authorize with the fresh token (the X-Reservation-Token apiKey scheme).
        await page.locator('.swagger-ui .auth-wrapper .btn.authorize').click();
        const scheme = page
          .locator('.modal-ux .auth-container')
          .filter({ hasText: 'X-Reservation-Token' });
        await scheme.locator('input').fill(token);
        await scheme.locator('button.authorize').click();
        await scheme.getByText('Authorized', { exact: true }).waitFor();
        await scheme.locator('button.btn-done').click();
        await page.locator('.modal-ux').waitFor({ state: 'detached' });

        // Try it out on GET /user_queue_tokens/token_info.
        const operation = page
          .locator('.opblock')
          .filter({ has: page.locator('[data-path="/user_queue_tokens/token_info"]') });
        await operation.locator('.opblock-summary').first().click();
        await operation.locator('button.try-out__btn').click();
        await operation.locator('button.execute').click();
        const response = operation.locator('.live-responses-table .response').first();
        await response.waitFor();
        expect((await response.locator('.response-col_status').textContent())?.trim()).toBe('200');
        const body = JSON.parse(
          (await response.locator('.response-col_description pre').first().textContent()) ?? '',
        );
        expect(body).toMatchObject({ user_id: userId, status: 'IN_QUEUE', position: 1 });
        // The request Swagger UI sent carried the token in its header.
        expect(await operation.locator('.curl-command').textContent()).toContain(
          `X-Reservation-Token: ${token}`,
        );
        expect(errors).toEqual([]);
      });
    });
  });

  describe('the reference buyer page at /demo', () => {
    it('serves the page at /demo with its assets', async () => {
      const redirect = await fetch(`${base}/demo`, { redirect: 'manual' });
      expect(redirect.status).toBe(301);
      expect(redirect.headers.get('location')).toBe('/demo/');
      const page = await fetch(`${base}/demo/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<script src="demo.js"></script>');
      expect((await fetch(`${base}/demo/demo.js`)).status).toBe(200);
      expect((await fetch(`${base}/demo/demo.css`)).status).toBe(200);
    });

    it('walks one buyer from joining the line to a paid seat, with the position live', async () => {
      const admit = t.app.get(AdmitQueuedTokensUseCase);
      const concertId = await insertConcert(t.db, 'Browser Test Live');
      const { seatIds } = await insertPerformance(t.db, concertId, {
        at: new Date(t.clock.now().getTime() + 7 * 86_400_000),
        seats: 12,
        price: '120.00',
      });
      // An empty line (the Swagger test's token leaves it), one buyer at a time, and three
      // waiters ahead of ours.
      await t.db.query(`UPDATE user_queue_tokens SET status = 'EXPIRED' WHERE status <> 'EXPIRED'`);
      const settings = await call(t.app, 'PATCH', '/admin/queue', {
        headers: { 'x-admin-key': ADMIN_KEY },
        body: { max_active: 1, admit_per_minute: 1000 },
      });
      expect(settings.status).toBe(200);
      for (let i = 0; i < 3; i += 1) {
        const ahead = await call(t.app, 'POST', '/user_queue_tokens', {
          body: { user_id: await insertUser(t.db) },
        });
        expect(ahead.status).toBe(201);
      }
      const buyer = await insertUser(t.db, '500.00');
      /** One admission tick after the active buyer has finished. */
      const nextTurn = async () => {
        await t.db.query(
          `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = now()
          WHERE status = 'IN_PROGRESS'`,
        );
        expect(await admit.execute()).toMatchObject({ ran: true, admitted: 1 });
      };

      const { page, errors } = await watchedPage(browser);
      await withScreenshotOnFailure(page, 'demo-page', async () => {
        await page.goto(`${base}/demo`);
        await page.getByLabel('or a user id').fill(buyer);
        await page.getByRole('button', { name: 'Join the line' }).click();

        // In line behind three: the place goes down live, one admission at a time.
        const position = page.locator('#queue-position');
        await expectText(position, '4');
        await expectText(page.locator('#queue-status'), 'IN_QUEUE');
        const seen = ['4'];
        for (const expected of ['3', '2', '1']) {
          await nextTurn();
          await expectText(position, expected);
          seen.push(expected);
        }
        expect(seen).toEqual(['4', '3', '2', '1']);
        await nextTurn();
        await expectText(page.locator('#queue-status'), 'IN_PROGRESS');
        await expectText(position, '–');

        // Browse: the concert, its date, the seat map.
        await page.getByRole('button', { name: 'Browser Test Live' }).click();
        await page.locator('#performances button').first().click();
        const seat = page.locator('#seats [data-seat-number="7"]');
        await seat.waitFor();
        expect(await page.locator('#seats button').count()).toBe(12);
        expect(await seat.getAttribute('data-status')).toBe('AVAILABLE');

        // Another buyer holds seat 3 meanwhile: the map shows it at its next refresh.
        const other = await insertUser(t.db);
        const otherToken = await insertActiveToken(t.db, other, t.clock.now());
        await insertHold(t.db, seatIds[2], { userId: other, token: otherToken }, t.clock.now());
        await page
          .locator('#seats [data-seat-number="3"][data-status="HELD"]')
          .waitFor({ timeout: 10_000 });
        expect(await page.locator('#seats [data-seat-number="3"]').isDisabled()).toBe(true);

        // Hold seat 7: a countdown to the hold's end.
        await seat.click();
        await expectText(page.locator('#hold-seat'), '7');
        const countdown = page.locator('#hold-countdown');
        await page.waitForFunction(() =>
          /\d+ min \d+ s|\d+ s/.test(document.getElementById('hold-countdown')?.textContent ?? ''),
        );
        const first = await countdown.textContent();
        await page.waitForFunction(
          (before) => document.getElementById('hold-countdown')?.textContent !== before,
          first,
          { timeout: 5000 },
        );

        // Pay: the seat is booked, the profile lists it.
        await page.getByRole('button', { name: 'Pay' }).click();
        await expectText(countdown, 'paid');
        await page.locator('#booked-seats li').first().waitFor();
        expect(await page.locator('#booked-seats').textContent()).toContain('Browser Test Live');
        expect(await page.locator('#booked-seats').textContent()).toContain('seat 7');
        expect(await seat.getAttribute('data-status')).toBe('BOOKED');
        await expectText(page.locator('#profile-balance'), '380');
        // The stream showed the token expire by the payment, and was closed.
        await expectText(page.locator('#queue-status'), 'EXPIRED');

        const [row] = await t.db.query(
          `SELECT s.booked, s.user_id FROM performance_seats s WHERE s.id = $1`,
          [seatIds[6]],
        );
        expect(row).toEqual({ booked: true, user_id: buyer });
        expect(await page.locator('#error').isHidden()).toBe(true);
        expect(errors).toEqual([]);
      });
    });

    it('works from another origin allowed by CORS_ORIGINS: joins, streams, reads the line', async () => {
      await t.db.query(`UPDATE user_queue_tokens SET status = 'EXPIRED' WHERE status <> 'EXPIRED'`);
      const buyer = await insertUser(t.db);
      const { page, errors } = await watchedPage(browser);
      await withScreenshotOnFailure(page, 'demo-page-cors', async () => {
        const apiCalls: string[] = [];
        page.on('response', (response) => {
          if (response.url().startsWith(base)) apiCalls.push(`${response.status()}`);
        });
        // The page comes from the frontend's origin; every API call goes to the API's.
        await page.goto(`${frontendOrigin}/index.html?api=${encodeURIComponent(base)}`);
        await page.getByLabel('or a user id').fill(buyer);
        await page.getByRole('button', { name: 'Join the line' }).click();
        await expectText(page.locator('#queue-status'), 'IN_QUEUE');
        await expectText(page.locator('#queue-position'), '1');
        // The JSON POST and the token header needed preflights: the browser let the answers
        // through (the join's 201, the stream), so the API answered them for this origin.
        expect(apiCalls).toContain('201');
        expect(errors).toEqual([]);
      });
    });

    it('shows the message of every API error', async () => {
      const { page } = await watchedPage(browser);
      await withScreenshotOnFailure(page, 'demo-page-errors', async () => {
        await page.goto(`${base}/demo/`);
        await page.getByLabel('or a user id').fill('not-a-uuid');
        await page.getByRole('button', { name: 'Join the line' }).click();
        await expectText(page.locator('#error'), '400: user_id must be a UUID');
        await page.getByLabel('or a user id').fill('00000000-0000-4000-8000-000000000000');
        await page.getByRole('button', { name: 'Join the line' }).click();
        await expectText(page.locator('#error'), '400: User not found');
        expect(await page.getByRole('alert').isVisible()).toBe(true);
      });
    });
  });
});

async function expectText(
  locator: import('playwright-core').Locator,
  text: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = ((await locator.textContent()) ?? '').trim();
    if (last === text) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`expected "${text}", the page shows "${last}"`);
}

/** The demo page's files, as a frontend team would serve its own build from its own origin. */
async function serveDemoFiles(): Promise<Server> {
  const dir = path.join(REPO_ROOT, 'apps', 'api', 'public', 'demo');
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
  };
  const server = createServer((request, response) => {
    const name = path.basename(new URL(request.url ?? '/', 'http://x').pathname) || 'index.html';
    try {
      const body = readFileSync(path.join(dir, name));
      response.writeHead(200, { 'content-type': types[path.extname(name)] ?? 'text/plain' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
