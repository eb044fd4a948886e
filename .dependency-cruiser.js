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
      name: 'inner-layers-reach-no-adapter',
      comment:
        'domain/ and application/ never reach an adapter, not even through a barrel that re-exports one (`@app/common`, `@app/queue`): import the file, or a domain-only entry such as `@app/queue/domain`.',
      severity: 'error',
      from: { path: '(^|/)(domain|application)/' },
      to: { path: '(^|/)adapter/', reachable: true },
    },
    {
      name: 'inner-layers-import-no-module-barrel',
      comment:
        "A library's index.ts re-exports its Nest module and adapters: domain/ and application/ use its domain-only entry (`@app/<context>/domain`) or the file itself.",
      severity: 'error',
      from: { path: '(^|/)(domain|application)/' },
      to: { path: '^libs/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'adapter-in-imports-no-adapter-out',
      comment:
        'A driving adapter (controller, job) calls a use case, never a driven adapter (repository, notifier) directly.',
      severity: 'error',
      from: { path: '(^|/)adapter/in/' },
      to: { path: '(^|/)adapter/out/' },
    },
    {
      name: 'contexts-meet-only-at-public-entries',
      comment:
        "One context uses another only through its public entries: the domain-only entry (`@app/<context>/domain`: rules, errors, limits) from any layer, and the library's index.ts (its module, its exported services and HTTP decorators) from adapters and modules. Anything else (another context's repository, use case internals, tables) goes through the owner's port.",
      severity: 'error',
      from: { path: '^libs/(user|queue|catalog|booking|payment)/src/' },
      to: {
        path: '^libs/(user|queue|catalog|booking|payment)/src/',
        pathNot: [
          '^libs/$1/src/',
          '^libs/[^/]+/src/domain/index\\.ts$',
          '^libs/[^/]+/src/index\\.ts$',
        ],
      },
    },
    {
      name: 'module-barrel-only-from-adapters',
      comment:
        "Another context's index.ts (its Nest module and adapters) is for adapters and module files; domain/ and application/ take the domain-only entry.",
      severity: 'error',
      from: {
        path: '^libs/(user|queue|catalog|booking|payment)/src/',
        pathNot: '^libs/[^/]+/src/(adapter/|[^/]+\\.module\\.ts$)',
      },
      to: {
        path: '^libs/(user|queue|catalog|booking|payment)/src/index\\.ts$',
        pathNot: '^libs/$1/src/',
      },
    },
    {
      name: 'kernel-imports-no-context',
      comment:
        "The shared kernel (libs/common) and the database lib depend on no context, except through domain-only entries (a limit the configuration shares) and, for the metrics read model, the owners' exported SQL (index.ts).",
      severity: 'error',
      from: { path: '^libs/(common|database)/src/' },
      to: {
        path: '^libs/(user|queue|catalog|booking|payment)/src/',
        pathNot: ['^libs/[^/]+/src/domain/index\\.ts$', '^libs/[^/]+/src/index\\.ts$'],
      },
    },
    {
      name: 'kernel-loads-no-context-module',
      comment:
        "The kernel never loads a context's index.ts (its Nest module), except the database lib's metrics read model and demo seed, which use the owners' exported SQL.",
      severity: 'error',
      from: {
        path: '^libs/(common|database)/src/',
        pathNot: '^libs/database/src/(ticketing-snapshot|seed)/',
      },
      to: { path: '^libs/(user|queue|catalog|booking|payment)/src/index\\.ts$' },
    },
    {
      name: 'apps-run-no-sql',
      comment:
        'apps/ wires modules and serves HTTP; SQL lives behind ports in the libs that own the tables. No TypeORM, pg or query helper in apps/.',
      severity: 'error',
      from: { path: '^apps/' },
      to: {
        path: [
          'node_modules/(typeorm|pg|pg-[^/]+|@nestjs/typeorm|@nestjs-cls/transactional-adapter-typeorm)/',
          '^libs/[^/]+/src/adapter/(out/)?persistence/',
        ],
      },
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
