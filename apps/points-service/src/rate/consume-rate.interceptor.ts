/**
 * Takes a token from the consume-rate bucket before a message handler runs (outermost interceptor, so no
 * database transaction is open while it waits).
 */
import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, from, switchMap } from 'rxjs';
import { TokenBucket } from './token-bucket.js';

export const CONSUME_RATE_LIMITER = Symbol('CONSUME_RATE_LIMITER');

@Injectable()
export class ConsumeRateInterceptor implements NestInterceptor {
  constructor(@Inject(CONSUME_RATE_LIMITER) private readonly bucket: TokenBucket) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(this.bucket.take()).pipe(switchMap(() => next.handle()));
  }
}
