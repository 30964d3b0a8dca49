/**
 * Typed errors. Every error raised at the door names the field, what was expected and what was
 * received, so a caller (or the CLI's `{ "error": … }` line) can say precisely what was wrong.
 * `toJSON`/`fromJSON` let them cross worker boundaries with class and code intact.
 */
export type ErrorCode =
  | 'invalid-input'
  | 'invalid-option'
  | 'too-few-points'
  | 'file-not-found'
  | 'parse-error'
  | 'unknown-model'
  | 'backend-unavailable'
  | 'device-lost'
  | 'aborted'
  | 'disposed'
  | 'internal';

export interface ErrorDetails {
  code: ErrorCode;
  field: string;
  expected: string;
  received: string;
  message: string;
}

export class TrimfitError extends Error implements ErrorDetails {
  override readonly name: string = 'TrimfitError';
  readonly code: ErrorCode;
  readonly field: string;
  readonly expected: string;
  readonly received: string;

  constructor(code: ErrorCode, field: string, expected: string, received: unknown, message?: string) {
    const receivedText = describeValue(received);
    super(message ?? `${field}: expected ${expected}, received ${receivedText}`);
    this.code = code;
    this.field = field;
    this.expected = expected;
    this.received = receivedText;
  }

  toJSON(): ErrorDetails {
    return { code: this.code, field: this.field, expected: this.expected, received: this.received, message: this.message };
  }

  /** The same error under another field and message (e.g. prefixed with the item it came from); `received` is kept as rendered. */
  withField(field: string, message: string): TrimfitError {
    return TrimfitError.fromJSON({ ...this.toJSON(), field, message });
  }

  /** The inverse of toJSON: `received` is already rendered, so it is kept as it is, not rendered again. */
  static fromJSON(details: ErrorDetails): TrimfitError {
    return Object.assign(new TrimfitError(details.code, details.field, details.expected, undefined, details.message), { received: details.received });
  }
}

/** Short, printable rendering of a received value (never the whole of a big array). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.length > 80 ? JSON.stringify(value.slice(0, 77) + '...') : JSON.stringify(value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return `array of length ${(value as ArrayLike<unknown>).length}`;
  if (typeof value === 'object') return 'object';
  return String(value);
}

export function isTrimfitError(e: unknown): e is TrimfitError {
  return e instanceof TrimfitError;
}
