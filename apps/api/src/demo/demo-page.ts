import { NestFastifyApplication } from '@nestjs/platform-fastify';
import path from 'node:path';

/**
 * apps/api/public/demo, from the sources (apps/api/src/demo) and from the build alike: nest
 * build copies apps/api/public next to the compiled apps/api/src (see nest-cli.json assets).
 */
export const DEMO_PAGE_ROOT = path.resolve(__dirname, '../../public/demo');

/** The reference buyer page: static files at /demo/ (/demo redirects there). */
export function serveDemoPage(app: NestFastifyApplication): void {
  app.useStaticAssets({
    root: DEMO_PAGE_ROOT,
    prefix: '/demo',
    // Swagger UI registers @fastify/static too: only one of them may decorate the reply.
    decorateReply: false,
    redirect: true,
    index: ['index.html'],
  });
}
