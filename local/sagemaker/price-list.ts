/**
 * The local AWS Price List Query API: GetProducts over the AWS JSON 1.1 protocol
 * (`X-Amz-Target: AWSPriceListService.GetProducts`), as `@aws-sdk/client-pricing` and
 * `aws pricing get-products` speak it, answering for the service code AmazonSageMaker with one
 * real-time hosting product per GPU instance type the emulated AI recommendations run
 * (AI_INSTANCE_TYPES), in the region of the local instance catalog. Each product's on-demand
 * price is the catalog's (catalog.ts, data/instances.json: "Amazon SageMaker AI pricing,
 * real-time inference, on-demand", as of its pricingDate), in the shape the real API returns:
 * attributes regionCode, instanceName, component Hosting, usagetype <prefix>-Host:<type>, and
 * terms.OnDemand.*.priceDimensions.*.pricePerUnit.USD per Hrs. Filters are applied as AWS
 * documents them; pages follow MaxResults (1 to 100) and an opaque NextToken.
 */
import { createHash } from "node:crypto";
import { AI_INSTANCE_TYPES } from "../../src/kinds/ai-recommendation/spec.ts";
import {
  awsErrorClass,
  type JsonObject,
  type RunningServer,
  startAwsJsonServer,
} from "../aws-json.ts";
import { instanceSpec, PRICING } from "./catalog.ts";

class InvalidParameterException extends awsErrorClass("InvalidParameterException") {}
class InvalidNextTokenException extends awsErrorClass("InvalidNextTokenException") {}
class NotFoundException extends awsErrorClass("NotFoundException") {}

export const PRICE_LIST_SERVICE_CODE = "AmazonSageMaker";
const MAX_RESULTS = 100;
/** The terms code AWS gives on-demand offers, and the rate code of their one price dimension. */
const ON_DEMAND_TERM = "JRTCKXETXF";
const RATE_CODE = "6YS6EN2CT7";

/** The usage type prefixes of the regions the catalog may be priced in. */
const USAGE_PREFIXES: Readonly<Record<string, string>> = {
  "us-east-1": "USE1",
  "us-east-2": "USE2",
  "us-west-2": "USW2",
  "eu-west-1": "EU",
};

interface Product {
  attributes: Record<string, string>;
  document: string;
}

/** One hosting product per GPU instance type, its document as GetProducts returns it. */
function catalogProducts(): Product[] {
  const region = PRICING.region;
  const prefix = USAGE_PREFIXES[region] ?? region;
  return AI_INSTANCE_TYPES.map((type) => {
    const spec = instanceSpec(type);
    const sku = createHash("sha256").update(`${region}:${type}:hosting`).digest("hex").slice(0, 16);
    const attributes: Record<string, string> = {
      servicecode: PRICE_LIST_SERVICE_CODE,
      servicename: "Amazon SageMaker",
      productFamily: "ML Instance",
      regionCode: region,
      locationType: "AWS Region",
      instanceName: type,
      instanceType: `${type}-Hosting`,
      component: "Hosting",
      platoinstancetype: "Hosting",
      usagetype: `${prefix}-Host:${type}`,
      operation: "RunInstance",
      vCpu: String(spec.vcpu),
      memory: `${spec.memoryGiB} GiB`,
      ...(spec.accelerator ? { gpu: String(spec.accelerator.count) } : {}),
    };
    const usd = spec.pricePerHourUsd.toFixed(10);
    const term = `${sku.toUpperCase()}.${ON_DEMAND_TERM}`;
    const document = JSON.stringify({
      product: { productFamily: "ML Instance", attributes, sku: sku.toUpperCase() },
      serviceCode: PRICE_LIST_SERVICE_CODE,
      terms: {
        OnDemand: {
          [term]: {
            priceDimensions: {
              [`${term}.${RATE_CODE}`]: {
                unit: "Hrs",
                endRange: "Inf",
                description: `$${spec.pricePerHourUsd} per On Demand Hosting ${type} instance hour`,
                appliesTo: [],
                rateCode: `${term}.${RATE_CODE}`,
                beginRange: "0",
                pricePerUnit: { USD: usd },
              },
            },
            sku: sku.toUpperCase(),
            effectiveDate: `${PRICING.date}T00:00:00Z`,
            offerTermCode: ON_DEMAND_TERM,
            termAttributes: {},
          },
        },
      },
      version: PRICING.date.replaceAll("-", ""),
      publicationDate: `${PRICING.date}T00:00:00Z`,
    });
    return { attributes: { ...attributes, ServiceCode: PRICE_LIST_SERVICE_CODE }, document };
  });
}

interface ProductFilter {
  type: string;
  field: string;
  value: string;
}

function filtersOf(input: unknown): ProductFilter[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) throw new InvalidParameterException("Filters must be a list");
  return input.map((item, index) => {
    const filter = (typeof item === "object" && item !== null ? item : {}) as JsonObject;
    const { Type: type, Field: field, Value: value } = filter;
    if (typeof type !== "string" || typeof field !== "string" || typeof value !== "string") {
      throw new InvalidParameterException(`Filters[${index}] needs Type, Field and Value`);
    }
    if (!["TERM_MATCH", "EQUALS", "CONTAINS", "ANY_OF", "NONE_OF"].includes(type)) {
      throw new InvalidParameterException(`Filters[${index}].Type ${type} is not a filter type`);
    }
    return { type, field, value };
  });
}

function matches(product: Product, filter: ProductFilter): boolean {
  const actual = product.attributes[filter.field];
  const values = filter.value.split(",").map((value) => value.trim());
  switch (filter.type) {
    case "TERM_MATCH":
      return actual !== undefined && actual.toLowerCase() === filter.value.toLowerCase();
    case "EQUALS":
      return actual === filter.value;
    case "CONTAINS":
      return actual?.includes(filter.value) === true;
    case "ANY_OF":
      return actual !== undefined && values.includes(actual);
    default:
      return actual === undefined || !values.includes(actual);
  }
}

function pageOf(input: JsonObject, total: number): { start: number; end: number } {
  const limit = input.MaxResults ?? MAX_RESULTS;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_RESULTS) {
    throw new InvalidParameterException(`MaxResults must be an integer from 1 to ${MAX_RESULTS}`);
  }
  let start = 0;
  if (input.NextToken !== undefined) {
    const offset = Number(Buffer.from(String(input.NextToken), "base64url").toString("utf8"));
    if (!Number.isInteger(offset) || offset <= 0 || offset >= total) {
      throw new InvalidNextTokenException("The NextToken provided is invalid.");
    }
    start = offset;
  }
  return { start, end: Math.min(total, start + limit) };
}

export class LocalPriceList {
  private readonly products = catalogProducts();
  /** GetProducts calls answered, for tests. */
  calls = 0;

  getProducts(input: JsonObject): JsonObject {
    this.calls += 1;
    if (typeof input.ServiceCode !== "string" || input.ServiceCode === "") {
      throw new InvalidParameterException("ServiceCode is required");
    }
    if (input.FormatVersion !== undefined && input.FormatVersion !== "aws_v1") {
      throw new InvalidParameterException("FormatVersion must be aws_v1");
    }
    if (input.ServiceCode !== PRICE_LIST_SERVICE_CODE) {
      throw new NotFoundException(`The service code ${input.ServiceCode} is not in the Price List`);
    }
    const filters = filtersOf(input.Filters);
    const found = this.products.filter((product) => filters.every((f) => matches(product, f)));
    const { start, end } = pageOf(input, found.length);
    return {
      FormatVersion: "aws_v1",
      PriceList: found.slice(start, end).map((product) => product.document),
      ...(end < found.length
        ? { NextToken: Buffer.from(String(end), "utf8").toString("base64url") }
        : {}),
    };
  }
}

export interface RunningPriceList extends RunningServer {
  priceList: LocalPriceList;
}

export async function startPriceListServer(
  options: { port?: number; onOperation?: (operation: string) => void } = {},
): Promise<RunningPriceList> {
  const priceList = new LocalPriceList();
  const server = await startAwsJsonServer({
    targetPrefix: "AWSPriceListService",
    jsonVersion: "1.1",
    operations: { GetProducts: (input) => priceList.getProducts(input) },
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.onOperation ? { onOperation: options.onOperation } : {}),
  });
  return { ...server, priceList };
}
