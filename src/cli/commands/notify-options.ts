import { notifyListProblem } from '../../api/notify.js';
import { UsageError } from '../../errors.js';

/** `--notify URL ...` as given (yargs: a string or a list), checked; else a UsageError. */
export function checkedNotifyUrls(value: unknown): string[] {
  const urls = (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
  const problem = notifyListProblem(urls);
  if (problem) throw new UsageError(`--notify: ${problem}`);
  return urls;
}
