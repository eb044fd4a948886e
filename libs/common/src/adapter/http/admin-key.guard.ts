import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { UnauthorizedError } from '../../domain/domain-error';

export const ADMIN_KEY_HEADER = 'x-admin-key';

/** `X-Admin-Key` must equal ADMIN_API_KEY; with no key configured, every admin call is 401. */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.adminApiKey;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    const given = request.headers[ADMIN_KEY_HEADER];
    if (!expected || typeof given !== 'string' || !sameSecret(given, expected)) {
      throw new UnauthorizedError('Admin key is invalid');
    }
    return true;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
