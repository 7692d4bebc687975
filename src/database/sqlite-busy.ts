import { driverCode } from '../common/database-errors';

// SQLite lets one process write at a time: while another one (the CLI, a second server on the same
// file) holds the write lock, a write waits. better-sqlite3 waits synchronously, so a long busy
// timeout would stop the whole server (even /health/live) for as long. Instead each attempt waits
// synchronously only SQLITE_BUSY_TIMEOUT_MS, and a write still refused is tried again after an
// asynchronous pause, during which the server answers everything else, until BUSY_DEADLINE_MS.
export const SQLITE_BUSY_TIMEOUT_MS = 20;
export const BUSY_DEADLINE_MS = 5000;
const FIRST_PAUSE_MS = 10;
const LONGEST_PAUSE_MS = 200;

export function isSqliteBusy(error: unknown): boolean {
  return driverCode(error)?.startsWith('SQLITE_BUSY') ?? false;
}

// Runs `attempt` until it is not refused for the lock, or the deadline has passed (then its busy
// error is thrown: the caller answers 503). Only for work that changes nothing when refused: one
// statement, or a whole transaction (rolled back before the pause).
export async function retryWhileBusy<T>(attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_DEADLINE_MS;
  for (let pauseMs = FIRST_PAUSE_MS; ; pauseMs = Math.min(pauseMs * 2, LONGEST_PAUSE_MS)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isSqliteBusy(error) || Date.now() + pauseMs > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
