/** Layer rules of the hexagonal layout, checked in `npm run lint`. */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-no-framework',
      comment:
        'domain/ is plain TypeScript: no Nest, TypeORM, Fastify, pg or validation libraries.',
      severity: 'error',
      from: { path: '(^|/)domain/' },
      to: {
        dependencyTypes: [
          'npm',
          'npm-dev',
          'npm-peer',
          'npm-optional',
          'npm-no-pkg',
          'npm-unknown',
        ],
      },
    },
    {
      name: 'domain-imports-no-outer-layer',
      comment: 'domain/ depends on nothing but domain/.',
      severity: 'error',
      from: { path: '(^|/)domain/' },
      to: { path: '(^|/)(application|adapter)/' },
    },
    {
      name: 'application-imports-no-adapter',
      comment: 'Use cases talk to the outside through ports, never through an adapter.',
      severity: 'error',
      from: { path: '(^|/)application/' },
      to: { path: '(^|/)adapter/' },
    },
    {
      name: 'application-imports-no-orm-or-http',
      comment: 'Use cases stay free of TypeORM, pg and Fastify.',
      severity: 'error',
      from: { path: '(^|/)application/' },
      to: { path: 'node_modules/(typeorm|pg|fastify|@nestjs/typeorm|@nestjs/platform-fastify)/' },
    },
    {
      name: 'production-imports-no-test-code',
      comment:
        'Fakes and helpers live in test/ (alias @test/support) and stay out of the build: only specs may import them.',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.spec\\.ts$|/dist/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
