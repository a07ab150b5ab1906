export type WorkErrorCode =
  | 'data-too-large'
  | 'invalid-data'
  | 'unknown-worker'
  | 'cycle'
  | 'empty-continuation'
  | 'not-found'
  | 'invalid-request'
  | 'worker-threw'
  | 'max-attempts'
  | 'merge-failed'
  | 'closed';

const MESSAGES: Record<WorkErrorCode, string> = {
  'data-too-large': 'Data is larger than 10 KB as UTF-8 JSON',
  'invalid-data': 'Data values must be booleans, finite numbers, strings, null or arrays of those',
  'unknown-worker': 'No worker with this name is installed where the work ran',
  cycle: 'The work graph has a cycle',
  'empty-continuation': 'A continuation step needs at least one request',
  'not-found': 'No work with this id',
  'invalid-request': 'The request is not valid',
  'worker-threw': 'The worker threw',
  'max-attempts': 'The work reached its maxAttempts without finishing',
  'merge-failed': "The prerequisites' outputs could not be merged",
  closed: 'The work database was closed',
};

/** The one error class of the library: assert on `code`, show `message`. */
export class WorkError extends Error {
  override readonly name = 'WorkError';

  constructor(
    readonly code: WorkErrorCode,
    readonly details?: string,
  ) {
    super(details ? `${MESSAGES[code]}: ${details}` : MESSAGES[code]);
  }
}
