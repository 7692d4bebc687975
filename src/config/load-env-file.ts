import { existsSync } from 'node:fs';

// Reads `.env` into process.env for the entry points (server, CLI, migrations). Variables already
// set in the environment win over the file.
export function loadEnvFile(path = '.env'): void {
  if (existsSync(path)) {
    process.loadEnvFile(path);
  }
}
