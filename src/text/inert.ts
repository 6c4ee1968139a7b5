/**
 * Text from outside irflow (SageMaker's failure reasons, a spec's values, a user's arguments) made
 * inert before it reaches a person: control characters and bidirectional overrides are shown
 * escaped, visibly, so they can neither drive a terminal (set its title, clear it) nor reorder or
 * forge what a reader sees.
 */

/** C0 controls, DEL, C1 controls, bidi marks, embeddings, overrides and isolates, line separators. */
function unsafe(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

function replaceUnsafe(text: string, keep: (character: string) => boolean): string {
  let out = "";
  for (const character of text) {
    const code = character.charCodeAt(0);
    out += unsafe(code) && !keep(character) ? escaped(character) : character;
  }
  return out;
}

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * C0 controls read `\x1b`; the others read `\u009b`, a form that is also a JSON escape, so JSON
 * text passed through stays valid JSON and reads back the same.
 */
function escaped(character: string): string {
  const named = NAMED[character];
  if (named) return named;
  const code = character.charCodeAt(0);
  return code < 0x20
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Text for a layout of several lines: newlines and tabs kept, every other control escaped. */
export function inertText(text: string): string {
  return replaceUnsafe(text, (character) => character === "\n" || character === "\t");
}

/** Text for one line (a table cell, a field of the ops message): newlines escaped too. */
export function inertLine(text: string): string {
  return replaceUnsafe(text, () => false);
}

/** JSON with DEL, C1 and bidi characters written as \u sequences (JSON.stringify leaves them raw). */
export function inertJson(value: unknown, space?: number): string {
  return inertText(JSON.stringify(value, null, space));
}
