// `npm test` runs the unit specs, the e2e suite on SQLite and, when TEST_MYSQL_URL is set
// (mysql://user:pass@host:port/anydb: each test file creates and drops its own database), the same
// e2e suite on MySQL. When TEST_GALERA_URLS names the three nodes of a Galera cluster
// (test/cluster/galera.sh start; .ci/run does this), the cluster suite runs on it too.
// jose (used by the server), content-disposition (by @fastify/static, which serves the API docs'
// assets), oauth4webapi (the strict-client suite) and openid-client (the OpenID RP suite) ship only
// ES modules, which Jest's
// CommonJS runtime cannot load: test/helpers/esm-to-commonjs.js compiles them. (Node itself loads
// them with require(), from Node 20.19.)
const ESM_PACKAGES = ['jose', 'oauth4webapi', 'openid-client', 'content-disposition'];
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  '^.+\\.js$': '<rootDir>/test/helpers/esm-to-commonjs.js',
};
const common = {
  rootDir: __dirname,
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  // The innermost node_modules/ of a path names its package (content-disposition is nested).
  transformIgnorePatterns: [`/node_modules/(?!.*/node_modules/)(?!(${ESM_PACKAGES.join('|')})/)`],
  testEnvironment: 'node',
  // The workspace package from its sources (as tsconfig.json's paths), not a build in node_modules.
  moduleNameMapper: {
    '^@portcullis/nest-resource-server$': '<rootDir>/packages/nest-resource-server/src',
  },
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
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/packages/*/src/**/*.spec.ts'],
    },
    e2e('sqlite'),
    ...(process.env.TEST_MYSQL_URL ? [e2e('mysql')] : []),
    ...(process.env.TEST_GALERA_URLS
      ? [
          {
            ...common,
            displayName: 'cluster',
            testMatch: ['<rootDir>/test/cluster/**/*.cluster-spec.ts'],
          },
        ]
      : []),
  ],
};
