import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { leaderboardJson, leaderboardTsv, type LeaderboardRow } from './leaderboard.js';

/** Writes leaderboard.tsv and leaderboard.json into `dir` (files 0600); returns their paths. */
export function writeLeaderboard(
  dir: string,
  rows: readonly LeaderboardRow[],
): { tsv: string; json: string } {
  const tsv = path.join(dir, 'leaderboard.tsv');
  const json = path.join(dir, 'leaderboard.json');
  writeFileSync(tsv, leaderboardTsv(rows), { mode: 0o600 });
  writeFileSync(json, leaderboardJson(rows), { mode: 0o600 });
  return { tsv, json };
}
