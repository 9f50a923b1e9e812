import { availableParallelism } from 'node:os';

// Nest 12, TypeORM 1 and jose are ES modules, so jest runs in its native ESM mode
// (`node --experimental-vm-modules`, see package.json) and ts-jest emits ESM.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/packages/*/test/**/*.spec.ts', '<rootDir>/test/medium/**/*.medium-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 30000,
  // Test files run in parallel worker processes, at least two even on two cores (jest's default
  // would be one there): much of an e2e file's time is spent waiting, on scrypt in the thread
  // pool, on the database or on a child server, while the other worker computes. Each worker
  // has its own database (test/support/test-app.ts).
  maxWorkers: Math.max(2, availableParallelism() - 1),
};
