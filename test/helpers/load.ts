// A closed-loop load for the fault tests: each worker sends its next request when the previous one
// was answered, and every answer is recorded (what was sent and what came back).
export type Sample = {
  worker: number;
  kind: string;
  status: number; // 0: no HTTP answer at all (connection refused or reset, timeout)
  retryAfter: string | null;
  error?: string;
  startedAt: number;
  ms: number;
};

export type Load = {
  samples: Sample[];
  // Stops sending and waits for the requests in flight.
  stop: () => Promise<Sample[]>;
};

export type Operation = (worker: number) => Promise<{
  kind: string;
  status: number;
  retryAfter: string | null;
  error?: string;
}>;

export function startLoad(workers: number, operation: Operation): Load {
  const samples: Sample[] = [];
  let running = true;
  const loop = async (worker: number) => {
    while (running) {
      const startedAt = Date.now();
      let result: Awaited<ReturnType<Operation>>;
      try {
        result = await operation(worker);
      } catch (error) {
        result = { kind: 'unknown', status: 0, retryAfter: null, error: String(error) };
      }
      samples.push({ worker, ...result, startedAt, ms: Date.now() - startedAt });
      if (result.status === 0) {
        // Refused outright: do not spin.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  const loops = Array.from({ length: workers }, (_, worker) => loop(worker));
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return samples;
    },
  };
}

export function statusCounts(samples: Sample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const sample of samples) {
    counts[sample.status] = (counts[sample.status] ?? 0) + 1;
  }
  return counts;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls until `check` holds, up to `timeoutMs`; how long it took.
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${what}: not within ${timeoutMs} ms`);
    }
    await sleep(100);
  }
  return Date.now() - started;
}
