/** A KQL error the caller caused (syntax, unknown name, unsupported feature), with its position. */
export class KqlError extends Error {
  constructor(
    message: string,
    /** Offset in the query text (0-based). */
    readonly pos: number,
    readonly len: number = 0,
    /** LA error codes: SyntaxError for parse errors, SemanticError for the rest. */
    readonly code: 'SyntaxError' | 'SemanticError' = 'SemanticError',
  ) {
    super(message);
  }

  /** Line and column (1-based), for messages. */
  where(text: string): { line: number; column: number } {
    const before = text.slice(0, this.pos).split('\n');
    return { line: before.length, column: before[before.length - 1]!.length + 1 };
  }
}

export const unsupported = (what: string, at: { pos: number; len: number }): KqlError =>
  new KqlError(`${what} is not supported by idtrail`, at.pos, at.len);
