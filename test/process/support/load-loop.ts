import { HttpResult } from './http-client';

export interface Sample {
  /** What was asked, e.g. `POST /users/:id/charge`. */
  step: string;
  status: number;
  sentAt: number;
  doneAt: number;
  body: unknown;
}

/**
 * `workers` loops each running `next()` back to back until stopped: steady load in the
 * background while a test kills a process or stops the database. Every answer is recorded
 * with when it was sent and when it came back, so that a test can judge each one against
 * the moment of the fault.
 */
export function startLoad(
  workers: number,
  next: (worker: number) => Promise<{ step: string; result: HttpResult }>,
) {
  const samples: Sample[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    while (running) {
      const sentAt = Date.now();
      const { step, result } = await next(worker);
      samples.push({ step, status: result.status, sentAt, doneAt: Date.now(), body: result.body });
      // A refused connection answers at once: do not spin on it.
      if (result.status === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  return {
    samples,
    async stop(): Promise<Sample[]> {
      running = false;
      await Promise.all(loops);
      return samples;
    },
  };
}

/** `{ "200": 12, "503": 3 }` per step, for failure messages and logs. */
export function summarise(samples: Sample[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const { step, status } of samples) {
    out[step] ??= {};
    out[step][status] = (out[step][status] ?? 0) + 1;
  }
  return out;
}
