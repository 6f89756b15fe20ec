/**
 * Faults the demo and the tests inject into order creation (POST /orders?fault=...), honoured only when the
 * service runs with ORDER_FAULT_INJECTION=true:
 * - `fail-after-insert`: the local transaction throws after its insert, before the DB commit (both the row
 *   and the half message are rolled back);
 * - `crash-before-insert`: the process dies after the half message is stored, before the insert (the
 *   check-back finds no order: rollback);
 * - `crash-after-insert`: the process dies after the DB commit, before END_TRANSACTION (the check-back
 *   finds the order: commit).
 */
import { BadRequestException, Inject, Injectable, InternalServerErrorException, Logger } from '@nestjs/common';
import { ORDER_SERVICE_OPTIONS } from '../order-service-options.js';
import type { ResolvedOrderServiceOptions } from '../order-service-options.js';

export const CREATE_FAULTS = ['fail-after-insert', 'crash-before-insert', 'crash-after-insert'] as const;
export type CreateFault = (typeof CREATE_FAULTS)[number];

@Injectable()
export class FaultInjector {
  private readonly logger = new Logger('FaultInjector');

  constructor(@Inject(ORDER_SERVICE_OPTIONS) private readonly options: ResolvedOrderServiceOptions) {}

  /** Validates a `fault` query parameter. */
  parse(fault: string | undefined): CreateFault | undefined {
    if (fault === undefined || fault === '') return undefined;
    if (!this.options.faultInjection)
      throw new BadRequestException('fault injection is disabled (start with ORDER_FAULT_INJECTION=true)');
    if (!(CREATE_FAULTS as readonly string[]).includes(fault))
      throw new BadRequestException(`fault must be one of ${CREATE_FAULTS.join(', ')}`);
    return fault as CreateFault;
  }

  beforeInsert(fault: CreateFault | undefined, orderId: string): void {
    if (fault === 'crash-before-insert') this.crash(`half message of ${orderId} stored, order not inserted`);
  }

  /** Runs inside the insert's DB transaction. */
  insideInsert(fault: CreateFault | undefined, orderId: string): void {
    if (fault === 'fail-after-insert') {
      this.logger.warn(`injected failure: the local transaction of ${orderId} throws after its insert`);
      throw new InternalServerErrorException(`injected failure after inserting order ${orderId}`);
    }
  }

  afterInsert(fault: CreateFault | undefined, orderId: string): void {
    if (fault === 'crash-after-insert') this.crash(`order ${orderId} committed in the database, half message not`);
  }

  private crash(what: string): never {
    // stdout is a pipe under the launcher: synchronous on Linux, so this line is out before the kill.
    this.logger.warn(`injected crash: ${what}; killing the process now (SIGKILL)`);
    process.kill(process.pid, 'SIGKILL');
    throw new InternalServerErrorException('unreachable: the process was killed');
  }
}
