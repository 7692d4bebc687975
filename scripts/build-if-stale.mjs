// Runs `npm run build` only when a source file is newer than the last build, so `npm run cli`
// and `npm run migration:run` start at once when nothing changed (a full build takes seconds).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const SOURCES = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
// Written after each build this script runs (an incremental tsc build leaves unchanged outputs
// as they were, so their times say nothing).
const BUILT = join(root, 'dist', '.built');

function newestChange(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) {
    return stats.mtimeMs;
  }
  return readdirSync(path).reduce(
    (newest, name) => Math.max(newest, newestChange(join(path, name))),
    stats.mtimeMs,
  );
}

function builtAt() {
  try {
    return statSync(BUILT).mtimeMs;
  } catch {
    return -Infinity;
  }
}

const newestSource = Math.max(...SOURCES.map((path) => newestChange(join(root, path))));
if (newestSource > builtAt()) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const startedAt = new Date();
  const { status } = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (status !== 0) {
    process.exit(status ?? 1);
  }
  // Stamped with the time the build started: a file saved during the build is seen next time.
  writeFileSync(BUILT, startedAt.toISOString());
  const stamp = startedAt.getTime() / 1000;
  utimesSync(BUILT, stamp, stamp);
}
