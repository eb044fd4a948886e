import { SchedulerRegistry } from '@nestjs/schedule';
import { QUEUE_ADMISSION_INTERVAL } from '@app/queue/adapter/in/schedule/queue-admission.job';
import { createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import { insertUser } from '../support/fixtures';

/** The admission job as the app runs it: registered on boot, ticking on its own. */
describe('the admission job in a running app', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { SCHEDULER_ENABLED: 'true', SCHEDULER_INTERVAL_MS: '100' },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('admits a queued token within a few intervals, without anyone calling it', async () => {
    expect(t.app.get(SchedulerRegistry).doesExist('interval', QUEUE_ADMISSION_INTERVAL)).toBe(true);
    const userId = await insertUser(t.db);
    const issued = await call(t.app, 'POST', '/user_queue_tokens', { body: { user_id: userId } });
    expect(issued.status).toBe(201);
    let status = '';
    for (let attempt = 0; attempt < 50 && status !== 'IN_PROGRESS'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const info = await call(t.app, 'GET', '/user_queue_tokens/token_info', {
        token: issued.body.token,
      });
      status = info.body.status;
    }
    expect(status).toBe('IN_PROGRESS');
  });
});
