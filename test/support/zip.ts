/** Reads the files of a zip archive (stored or deflated entries), enough for the Lambda bundles. */
import { readFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";

export function readZip(path: string): Map<string, Buffer> {
  const zip = readFileSync(path);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error(`${path} is not a zip archive`);
  const count = zip.readUInt16LE(end + 10);
  let entry = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let index = 0; index < count; index += 1) {
    const method = zip.readUInt16LE(entry + 10);
    const compressedSize = zip.readUInt32LE(entry + 20);
    const nameLength = zip.readUInt16LE(entry + 28);
    const extraLength = zip.readUInt16LE(entry + 30);
    const commentLength = zip.readUInt16LE(entry + 32);
    const local = zip.readUInt32LE(entry + 42);
    const name = zip.toString("utf8", entry + 46, entry + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    entry += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

/** The AWS SDK clients a bundle holds, told by each client's wire-protocol name. */
export const CLIENT_MARKERS = {
  dynamodb: "DynamoDB_20120810",
  sagemaker: '"SageMaker"',
  eventbridge: "AWSEvents",
  sfn: "AWSStepFunctions",
  pricing: "AWSPriceListService",
} as const;

export function clientsIn(code: string): string[] {
  return Object.entries(CLIENT_MARKERS)
    .filter(([, marker]) => code.includes(marker))
    .map(([client]) => client);
}
