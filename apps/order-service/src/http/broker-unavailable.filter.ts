/**
 * A request that needs the broker while it cannot be reached answers 503 (nothing was written: the half
 * message or the status message is sent before any database change).
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { RemotingError } from '@rocketnest/protocol';

/** The part of Express' response used here (no @types/express in the project). */
interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

@Catch(RemotingError)
export class BrokerUnavailableFilter implements ExceptionFilter<RemotingError> {
  private readonly logger = new Logger('BrokerUnavailable');

  catch(error: RemotingError, host: ArgumentsHost): void {
    this.logger.warn(`broker request failed: ${error.message}`);
    host
      .switchToHttp()
      .getResponse<JsonResponse>()
      .status(HttpStatus.SERVICE_UNAVAILABLE)
      .json({ statusCode: HttpStatus.SERVICE_UNAVAILABLE, error: 'Service Unavailable', message: error.message });
  }
}
