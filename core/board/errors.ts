/**
 * Typed errors of the board link. Every error carries a stable `code` so the UI and CLI can show a
 * named reason (and tests can match it) instead of parsing messages.
 */
export type BoardErrorCode =
  /** A message payload is malformed (too short, bad field value). */
  | 'BOARD_DECODE'
  /** A value does not fit its wire field (encode side). */
  | 'BOARD_ENCODE'
  /** The board answered a request with NAK; `nak` holds the board's named reason. */
  | 'BOARD_NAK'
  /** A reliable request was retransmitted the maximum number of times without a reply. */
  | 'BOARD_TIMEOUT'
  /** The transport closed (unplug, process exit) while something was outstanding. */
  | 'BOARD_CLOSED'
  /** The peer did not answer HELLO with a compatible protocol version. */
  | 'BOARD_HANDSHAKE'
  /** Read-back or image CRC did not match what was uploaded. */
  | 'BOARD_VERIFY'
  /** The model cannot be mapped onto the board's advertised limits. */
  | 'BOARD_CAPABILITY'
  /** The model uses something the quantiser cannot express in fixed point. */
  | 'BOARD_QUANTISE'
  /** Misuse of the API (bad argument, wrong state). */
  | 'BOARD_USAGE';

export class BoardError extends Error {
  constructor(
    readonly code: BoardErrorCode,
    message: string,
    /** For BOARD_NAK: the board's error name (see NAK_CODES in messages.ts). */
    readonly nak?: string,
  ) {
    super(message);
    this.name = 'BoardError';
  }
}
