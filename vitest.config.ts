import { defineConfig } from 'vitest/config';

// Three projects: `unit` runs in seconds with no system services; `integration` runs against a real
// local Slurm cluster (started once for the run by test/setup/local-cluster.ts), real Blender,
// ffmpeg and Chromium, one file at a time because they share that cluster; `bench` tests the
// developer tooling in bench/, which the quick loop (`--project unit`) leaves out.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts', 'node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'bench',
          include: ['bench/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/setup/local-cluster.ts'],
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
