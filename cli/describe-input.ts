// Apart from io.ts, which every command loads at start: this one brings in the decision core.
import { readDescribeJson } from "../src/decision/index.ts";
import { type CliIo, readJsonInput } from "./io.ts";

/**
 * Reads a saved Describe response: a file or standard input, JSON with NaN written bare as the
 * AWS CLI may print it. Throws UnreadableInputError for a missing file or text that is not JSON.
 */
export async function readDescribeInput(source: string, io: CliIo): Promise<unknown> {
  return readJsonInput(source, io, readDescribeJson);
}
