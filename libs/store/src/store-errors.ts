/** Store errors: subclasses of the shared hierarchy (ARCHITECTURE.md "Errors"), each with a stable code. */
import { RemotingError } from '@rocketnest/protocol';

export class StoreError extends RemotingError {
  override name = 'StoreError';
  override readonly code: string = 'ERR_STORE';
}

/** Another live store holds the `lock` file of this directory (broker-semantics.md 1.6). */
export class StoreLockedError extends StoreError {
  override name = 'StoreLockedError';
  override readonly code = 'ERR_STORE_LOCKED';
}

/** Files on disk contradict each other or the options (wrong segment size, gap between segments...). */
export class StoreCorruptionError extends StoreError {
  override name = 'StoreCorruptionError';
  override readonly code = 'ERR_STORE_CORRUPTION';
}

/** The store is shut down or not yet open. */
export class StoreClosedError extends StoreError {
  override name = 'StoreClosedError';
  override readonly code = 'ERR_STORE_CLOSED';
}

/** A new segment or queue file could not be created (CREATE_MAPPED_FILE_FAILED). */
export class CreateMappedFileError extends StoreError {
  override name = 'CreateMappedFileError';
  override readonly code = 'ERR_STORE_CREATE_FILE';
}

/** Writing or syncing data failed; the store stops accepting puts. */
export class StoreWriteError extends StoreError {
  override name = 'StoreWriteError';
  override readonly code = 'ERR_STORE_WRITE';
}
