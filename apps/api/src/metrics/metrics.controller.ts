import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { MetricsRegistry } from './metrics-registry';

const EXAMPLE = [
  '# HELP http_requests_total HTTP requests answered, by method, route template and status.',
  '# TYPE http_requests_total counter',
  'http_requests_total{method="POST",route="/performance_seats/:id/book",status="201"} 42',
  'http_requests_total{method="POST",route="/performance_seats/:id/book",status="409"} 7',
  '# HELP ticketing_queue_waiting Queue tokens waiting in line (IN_QUEUE).',
  '# TYPE ticketing_queue_waiting gauge',
  'ticketing_queue_waiting 1250',
  '# HELP ticketing_queue_active Queue tokens admitted and not yet expired (IN_PROGRESS, before expires_at).',
  '# TYPE ticketing_queue_active gauge',
  'ticketing_queue_active 100',
  '',
].join('\n');

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics',
    security: [],
    description: [
      'Prometheus text format. `http_requests_total` and `http_request_duration_seconds`',
      '(histogram) by `method`, `route` (the route template, `unmatched` for unknown paths)',
      'and `status`; `ticketing_queue_waiting`, `ticketing_queue_active`,',
      '`ticketing_seat_holds_live`, `ticketing_payments_total` read from the database at most',
      'once per `SCHEDULER_INTERVAL_MS` (1 s by default) and shared by every scrape of that',
      'interval, concurrent ones included, so a scraper in a tight loop costs the database one',
      'short statement per interval; that statement runs on one pool connection with a 1 s',
      'PostgreSQL statement timeout. The gauges are absent, with `ticketing_database_up 0`,',
      'when that read failed or did not answer within 1 s;',
      'Node.js process metrics prefixed `ticketing_`. No authentication: expose it to your',
      'scraper only.',
    ].join(' '),
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'The current metrics of this instance.',
    content: { 'text/plain': { schema: { type: 'string' }, example: EXAMPLE } },
  })
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
