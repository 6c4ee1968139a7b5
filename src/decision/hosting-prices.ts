/**
 * On-demand SageMaker real-time inference (hosting) prices in us-east-1, US dollars per
 * instance-hour, for the instance types jobs most often test. Source: the AWS Price List,
 * AmazonSageMaker offer, Hosting usage, us-east-1, as of 2026-09-27, which is also the page
 * https://aws.amazon.com/sagemaker/ai/pricing/ (real-time inference, on-demand). These are the
 * figures the local SageMaker's catalog holds for the same types (its entries not marked
 * priceEstimated).
 *
 * The estimate of a job's own cost uses them only where the job gives no price of its own (no
 * recommendation for the type, as in a failed job); a type not listed stays unpriced.
 */

/** The date of the figures below. */
export const HOSTING_PRICES_DATE = "2026-09-27";
export const HOSTING_PRICES_REGION = "us-east-1";
export const HOSTING_PRICES_SOURCE =
  "AWS Price List, AmazonSageMaker, Hosting, us-east-1, on-demand (aws.amazon.com/sagemaker/ai/pricing)";

export const HOSTING_PRICES: ReadonlyMap<string, number> = new Map<string, number>([
  ["ml.t2.large", 0.111],
  ["ml.t2.xlarge", 0.223],
  ["ml.t2.2xlarge", 0.445],
  ["ml.m5.large", 0.115],
  ["ml.m5.xlarge", 0.23],
  ["ml.m5.2xlarge", 0.461],
  ["ml.m5.4xlarge", 0.922],
  ["ml.m5.12xlarge", 2.765],
  ["ml.m5.24xlarge", 5.53],
  ["ml.p3.2xlarge", 3.825],
  ["ml.p3.8xlarge", 14.688],
  ["ml.p3.16xlarge", 28.152],
  ["ml.c5.large", 0.102],
  ["ml.c5.xlarge", 0.204],
  ["ml.c5.2xlarge", 0.408],
  ["ml.c5.4xlarge", 0.816],
  ["ml.c5.9xlarge", 1.836],
  ["ml.c5.18xlarge", 3.672],
  ["ml.g4dn.xlarge", 0.7364],
  ["ml.g4dn.2xlarge", 0.94],
  ["ml.g4dn.4xlarge", 1.505],
  ["ml.g4dn.8xlarge", 2.72],
  ["ml.g4dn.12xlarge", 4.89],
  ["ml.g4dn.16xlarge", 5.44],
  ["ml.r5.large", 0.151],
  ["ml.r5.xlarge", 0.302],
  ["ml.r5.2xlarge", 0.605],
  ["ml.r5.4xlarge", 1.21],
  ["ml.r5.12xlarge", 3.629],
  ["ml.r5.24xlarge", 7.258],
  ["ml.c6i.large", 0.102],
  ["ml.c6i.xlarge", 0.204],
  ["ml.c6i.2xlarge", 0.408],
  ["ml.c6i.4xlarge", 0.816],
  ["ml.c6i.8xlarge", 1.632],
  ["ml.c6i.12xlarge", 2.448],
  ["ml.c6i.16xlarge", 3.264],
  ["ml.c6i.24xlarge", 4.896],
  ["ml.c6i.32xlarge", 6.528],
  ["ml.m6i.large", 0.115],
  ["ml.m6i.xlarge", 0.23],
  ["ml.m6i.2xlarge", 0.461],
  ["ml.m6i.4xlarge", 0.922],
  ["ml.m6i.8xlarge", 1.843],
  ["ml.m6i.12xlarge", 2.765],
  ["ml.m6i.16xlarge", 3.686],
  ["ml.m6i.24xlarge", 5.53],
  ["ml.m6i.32xlarge", 7.373],
  ["ml.g5.xlarge", 1.41],
  ["ml.g5.2xlarge", 1.52],
  ["ml.g5.4xlarge", 2.03],
  ["ml.g5.8xlarge", 3.06],
  ["ml.g5.12xlarge", 7.09],
  ["ml.g5.16xlarge", 5.12],
  ["ml.g5.24xlarge", 10.18],
  ["ml.g5.48xlarge", 20.36],
  ["ml.g6.xlarge", 1.127],
  ["ml.g6.2xlarge", 1.222],
  ["ml.g6.4xlarge", 1.654],
  ["ml.g6.8xlarge", 2.518],
  ["ml.g6.12xlarge", 5.752],
  ["ml.g6.16xlarge", 4.246],
  ["ml.g6.24xlarge", 8.344],
  ["ml.g6.48xlarge", 16.688],
  ["ml.inf2.xlarge", 0.99],
  ["ml.inf2.8xlarge", 2.36],
  ["ml.inf2.24xlarge", 7.79],
  ["ml.inf2.48xlarge", 15.58],
  ["ml.g6e.xlarge", 2.61],
  ["ml.g6e.2xlarge", 2.8],
  ["ml.g6e.4xlarge", 3.76],
  ["ml.g6e.8xlarge", 5.66],
  ["ml.g6e.12xlarge", 13.12],
  ["ml.g6e.16xlarge", 9.47],
  ["ml.g6e.24xlarge", 18.83],
  ["ml.g6e.48xlarge", 37.66],
]);

/**
 * The job's own prices first, then the table's for the types it does not price. Both are per
 * instance-hour.
 */
export function withListPrices(
  own: ReadonlyMap<string, number>,
  table: ReadonlyMap<string, number> = HOSTING_PRICES,
): Map<string, number> {
  return new Map([...table, ...own]);
}
