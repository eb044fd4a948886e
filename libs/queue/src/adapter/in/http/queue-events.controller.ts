import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { QUEUE_TOKEN_HEADER, QUEUE_TOKEN_SCHEME } from '@app/common/adapter/http/api-security';
import { ErrorResponseDto } from '@app/common/adapter/http/error-response.dto';
import { TokenInfo } from '../../../application/get-token-info.use-case';
import { TokenInfoSink, TokenInfoStreamHub } from '../../../application/token-info-streams';
import { toTokenInfoDto } from './dto/token-info.mapper';

/** A client that reads nothing while this much waits for it is dropped (it can reconnect). */
const MAX_UNREAD_BYTES = 64 * 1024;

const EXAMPLE_STREAM = [
  'event: token_info',
  'data: {"user_id":"11111111-1111-4111-8111-111111111111","status":"IN_QUEUE","position":42,"estimated_wait_seconds":84,"expires_at":null,"performance_seat_book_info":null}',
  '',
  ': keep-alive',
  '',
  'event: token_info',
  'data: {"user_id":"11111111-1111-4111-8111-111111111111","status":"IN_PROGRESS","position":null,"estimated_wait_seconds":null,"expires_at":"2026-11-26T12:10:00.000Z","performance_seat_book_info":null}',
  '',
  '',
].join('\n');

/** One server-sent-events connection: the hub's answers written as `token_info` events. */
class SseConnection implements TokenInfoSink {
  constructor(private readonly response: ServerResponse) {}

  send(info: TokenInfo): void {
    this.write(`event: token_info\ndata: ${JSON.stringify(toTokenInfoDto(info))}\n\n`);
  }

  heartbeat(): void {
    this.write(': keep-alive\n\n');
  }

  close(): void {
    if (!this.response.writableEnded) this.response.end();
  }

  private write(chunk: string): void {
    if (this.response.writableEnded || this.response.destroyed) return;
    if (this.response.writableLength > MAX_UNREAD_BYTES) {
      this.response.destroy();
      return;
    }
    this.response.write(chunk);
  }
}

@ApiTags('queue')
@Controller('user_queue_tokens')
export class QueueEventsController {
  constructor(private readonly hub: TokenInfoStreamHub) {}

  @Get('events')
  @ApiSecurity(QUEUE_TOKEN_SCHEME)
  @ApiOperation({
    summary: 'Live position, without polling (server-sent events)',
    description: [
      'A `text/event-stream` for any known token, whatever its status. Each event is `event: token_info` with `data:` the same JSON as `GET /user_queue_tokens/token_info`: one at once, then one whenever `status`, `position`, `estimated_wait_seconds` or `expires_at` changes (at most one per admission tick), and a comment line (`: keep-alive`) at least every 15 s. After the event that shows `EXPIRED` the server closes the stream.',
      '',
      'The token goes in `?token=` (a browser `EventSource` cannot send headers) or in the `X-Reservation-Token` header. In a browser: `const events = new EventSource("/user_queue_tokens/events?token=" + token); events.addEventListener("token_info", (e) => show(JSON.parse(e.data)));`, and call `events.close()` on `EXPIRED` (an `EventSource` otherwise reconnects). A client that reconnects, to this instance or another, gets the current state at once. The token in the URL never appears in the logs.',
      '',
      '"Try it out" in this page waits for the stream to end: use `curl -N` or an `EventSource`.',
    ].join('\n'),
  })
  @ApiQuery({
    name: 'token',
    required: false,
    description: 'The queue token, when the X-Reservation-Token header cannot be sent.',
    schema: {
      type: 'string',
      pattern: '^[0-9a-f]{32}$',
      example: '9f86d081884c7d659a2feaa0c55ad015',
    },
  })
  @ApiOkResponse({
    description:
      'The stream: `token_info` events and keep-alive comments, until the token is EXPIRED.',
    content: {
      'text/event-stream': {
        schema: { type: 'string', description: 'Server-sent events (text/event-stream).' },
        example: EXAMPLE_STREAM,
      },
    },
  })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'No token, or a token nobody issued: a JSON answer, no stream.',
    example: { message: 'Token is invalid' },
  })
  async events(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query('token') queryToken: unknown,
  ): Promise<void> {
    const token = request.headers[QUEUE_TOKEN_HEADER] ?? queryToken;
    // Before anything is written: an unknown token (or a database away) is a plain JSON error.
    const start = await this.hub.current(token);

    reply.hijack();
    const response = reply.raw;
    // What the hooks set so far (x-request-id, CORS headers when the app adds them).
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) headers[name] = value;
    }
    response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // nginx: pass each event on at once instead of buffering the response.
      'x-accel-buffering': 'no',
    });
    response.flushHeaders();
    const detach = this.hub.open(start, new SseConnection(response));
    response.once('close', detach);
  }
}
