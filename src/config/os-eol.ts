import type { Problem } from './problems.js';

/**
 * When an OS cluster-tool can still write stopped getting security updates from its maker. A
 * release that still accepts the OS does not make it safe to run: `config init` and `config
 * check` warn.
 */
export const OS_END_OF_LIFE: Readonly<Record<string, { date: string; source: string }>> = {
  // Amazon Linux 2 FAQs: end of support extended to 2026-06-30.
  alinux2: { date: '2026-06-30', source: 'Amazon Linux 2 FAQs' },
  // Canonical's release cycle: standard support for 20.04 LTS ended 2025-05-31.
  ubuntu2004: { date: '2025-05-31', source: "Canonical's Ubuntu release cycle" },
  // centos.org: CentOS Linux 7 reached end of life on 2024-06-30.
  centos7: { date: '2024-06-30', source: 'centos.org' },
};

/** A warning when `os` has reached its end of life by `today` (YYYY-MM-DD, UTC). */
export function checkOsEndOfLife(
  os: string,
  path: string,
  today = new Date().toISOString().slice(0, 10),
): Problem[] {
  const eol = OS_END_OF_LIFE[os];
  if (!eol || today < eol.date) return [];
  return [
    {
      level: 'warning',
      path,
      message: `${os} reached its end of life on ${eol.date} (${eol.source}) and gets no more security updates; pick --os ubuntu2204, ubuntu2404 or alinux2023 where your ParallelCluster release takes them`,
    },
  ];
}
