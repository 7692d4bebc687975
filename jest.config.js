// `npm test` runs the unit specs, the e2e suite on SQLite and, when TEST_MYSQL_URL is set
// (mysql://user:pass@host:port/anydb: each test file creates and drops its own database), the same
// e2e suite on MySQL.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
const common = {
  rootDir: __dirname,
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  testEnvironment: 'node',
};
const e2e = (engine) => ({
  ...common,
  displayName: `e2e:${engine}`,
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  setupFiles: [`<rootDir>/test/helpers/use-${engine}.ts`],
});

module.exports = {
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    e2e('sqlite'),
    ...(process.env.TEST_MYSQL_URL ? [e2e('mysql')] : []),
  ],
};
