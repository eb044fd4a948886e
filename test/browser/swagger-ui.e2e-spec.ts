import { AddressInfo } from 'node:net';
import { createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import { insertUser } from '../support/fixtures';
import {
  Browser,
  describeWithBrowser,
  launchBrowser,
  watchedPage,
  withScreenshotOnFailure,
} from '../support/browser';

describeWithBrowser('Swagger UI in a real browser (/docs)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([createTestApp(), launchBrowser()]);
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

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
