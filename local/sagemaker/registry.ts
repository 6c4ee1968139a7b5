/**
 * The small part of the SageMaker model registry the local demos need: package groups, versioned
 * packages with their inference metadata, approval changes, and the EventBridge event the real
 * registry emits on each state change ("SageMaker Model Package State Change"). Beside it, the
 * live endpoints a re-tuning run compares with: endpoint configs and endpoints, in service at once.
 */
import { AwsServiceError, type JsonObject } from "../aws-json.ts";

export type ApprovalStatus = "Approved" | "Rejected" | "PendingManualApproval";
const APPROVAL_STATUSES: readonly ApprovalStatus[] = [
  "Approved",
  "Rejected",
  "PendingManualApproval",
];

export interface ModelPackage {
  ModelPackageGroupName: string;
  ModelPackageVersion: number;
  ModelPackageArn: string;
  ModelPackageName: string;
  ModelPackageDescription?: string;
  ModelPackageStatus: "Completed";
  ModelApprovalStatus: ApprovalStatus;
  CreationTime: Date;
  LastModifiedTime: Date;
  InferenceSpecification?: JsonObject;
  Domain?: string;
  Task?: string;
  SamplePayloadUrl?: string;
  CustomerMetadataProperties?: Record<string, string>;
  ApprovalDescription?: string;
}

/** The EventBridge event the registry emits, without the envelope fields the bus adds. */
export interface ModelPackageStateChange {
  source: "aws.sagemaker";
  detailType: "SageMaker Model Package State Change";
  resources: string[];
  detail: JsonObject;
}

export interface RegistryOptions {
  region: string;
  accountId: string;
  now: () => Date;
  onStateChange?: (event: ModelPackageStateChange) => void;
}

/** One production variant of an endpoint config, as CreateEndpointConfig takes it. */
export interface EndpointVariant {
  VariantName: string;
  ModelName?: string;
  InstanceType?: string;
  InitialInstanceCount?: number;
  InitialVariantWeight?: number;
  ServerlessConfig?: { MemorySizeInMB: number; MaxConcurrency: number };
}

interface EndpointConfig {
  name: string;
  arn: string;
  variants: EndpointVariant[];
  creationTime: Date;
}

interface Endpoint {
  name: string;
  arn: string;
  configName: string;
  creationTime: Date;
}

/**
 * A List call's page of named resources: `NameContains`, sorted by `SortBy` (`CreationTime`, the
 * default, or `Name`) in `SortOrder` (default `Descending`), `MaxResults` (default 10, as AWS)
 * from `NextToken`.
 */
function listed<T extends { name: string; creationTime: Date }>(
  resources: T[],
  input: JsonObject,
): { items: T[]; next: { NextToken?: string } } {
  const contains = typeof input.NameContains === "string" ? input.NameContains : "";
  const byName = input.SortBy === "Name";
  const sorted = resources
    .filter((resource) => resource.name.includes(contains))
    .sort((a, b) =>
      byName
        ? a.name.localeCompare(b.name)
        : a.creationTime.getTime() - b.creationTime.getTime() || a.name.localeCompare(b.name),
    );
  if (input.SortOrder !== "Ascending") sorted.reverse();
  const start = Number(input.NextToken ?? 0) || 0;
  const size = typeof input.MaxResults === "number" ? input.MaxResults : 10;
  return {
    items: sorted.slice(start, start + size),
    next: start + size < sorted.length ? { NextToken: String(start + size) } : {},
  };
}

const RESOURCE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

interface Group {
  name: string;
  arn: string;
  description?: string;
  creationTime: Date;
  packages: ModelPackage[];
}

const GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/([^/]+)\/(\d+)$/;

export class ModelRegistry {
  private readonly groups = new Map<string, Group>();
  private readonly endpointConfigs = new Map<string, EndpointConfig>();
  private readonly endpoints = new Map<string, Endpoint>();

  constructor(private readonly options: RegistryOptions) {}

  set onStateChange(listener: ((event: ModelPackageStateChange) => void) | undefined) {
    this.options.onStateChange = listener;
  }

  createGroup(input: JsonObject): JsonObject {
    const name = requireName(input.ModelPackageGroupName, "ModelPackageGroupName");
    if (this.groups.has(name)) {
      throw new AwsServiceError(
        "ValidationException",
        `Model Package Group ${name} already exists`,
      );
    }
    const group: Group = {
      name,
      arn: `arn:aws:sagemaker:${this.options.region}:${this.options.accountId}:model-package-group/${name}`,
      creationTime: this.options.now(),
      packages: [],
      ...(typeof input.ModelPackageGroupDescription === "string"
        ? { description: input.ModelPackageGroupDescription }
        : {}),
    };
    this.groups.set(name, group);
    return { ModelPackageGroupArn: group.arn };
  }

  createPackage(input: JsonObject): JsonObject {
    const groupName = groupNameOf(input.ModelPackageGroupName);
    const group = this.groups.get(groupName);
    if (!group) {
      throw new AwsServiceError(
        "ValidationException",
        `Model Package Group ${groupName} does not exist`,
      );
    }
    const approval = approvalStatus(input.ModelApprovalStatus ?? "PendingManualApproval");
    const version = group.packages.length + 1;
    const now = this.options.now();
    const modelPackage: ModelPackage = {
      ModelPackageGroupName: group.name,
      ModelPackageVersion: version,
      ModelPackageArn: `arn:aws:sagemaker:${this.options.region}:${this.options.accountId}:model-package/${group.name}/${version}`,
      ModelPackageName: group.name,
      ModelPackageStatus: "Completed",
      ModelApprovalStatus: approval,
      CreationTime: now,
      LastModifiedTime: now,
      ...optionalString(input, "ModelPackageDescription"),
      ...optionalString(input, "Domain"),
      ...optionalString(input, "Task"),
      ...optionalString(input, "SamplePayloadUrl"),
      ...(isObject(input.InferenceSpecification)
        ? { InferenceSpecification: input.InferenceSpecification }
        : {}),
      ...(isObject(input.CustomerMetadataProperties)
        ? { CustomerMetadataProperties: input.CustomerMetadataProperties as Record<string, string> }
        : {}),
    };
    group.packages.push(modelPackage);
    this.emit(modelPackage);
    return { ModelPackageArn: modelPackage.ModelPackageArn };
  }

  /** A package by its version ARN, or undefined. */
  find(arn: string): ModelPackage | undefined {
    const match = PACKAGE_ARN.exec(arn);
    if (!match?.[1] || !match[2]) return undefined;
    return this.groups.get(match[1])?.packages[Number(match[2]) - 1];
  }

  describePackage(input: JsonObject): ModelPackage {
    const name = String(input.ModelPackageName ?? "");
    const found = this.find(name);
    if (!found) {
      throw new AwsServiceError("ValidationException", `Model Package ${name} does not exist`);
    }
    return found;
  }

  updatePackage(input: JsonObject): JsonObject {
    const arn = String(input.ModelPackageArn ?? "");
    const found = this.find(arn);
    if (!found) {
      throw new AwsServiceError("ValidationException", `Model Package ${arn} does not exist`);
    }
    if (input.ModelApprovalStatus !== undefined) {
      found.ModelApprovalStatus = approvalStatus(input.ModelApprovalStatus);
    }
    if (typeof input.ApprovalDescription === "string") {
      found.ApprovalDescription = input.ApprovalDescription;
    }
    if (isObject(input.CustomerMetadataProperties)) {
      found.CustomerMetadataProperties = {
        ...found.CustomerMetadataProperties,
        ...(input.CustomerMetadataProperties as Record<string, string>),
      };
    }
    found.LastModifiedTime = this.options.now();
    this.emit(found);
    return { ModelPackageArn: found.ModelPackageArn };
  }

  listPackages(input: JsonObject): JsonObject {
    const groupName = input.ModelPackageGroupName
      ? groupNameOf(input.ModelPackageGroupName)
      : undefined;
    const wanted = input.ModelApprovalStatus;
    let packages = [...this.groups.values()]
      .filter((group) => groupName === undefined || group.name === groupName)
      .flatMap((group) => group.packages)
      .filter((item) => wanted === undefined || item.ModelApprovalStatus === wanted);
    const byName = input.SortBy === "Name";
    packages.sort((a, b) =>
      byName
        ? a.ModelPackageArn.localeCompare(b.ModelPackageArn)
        : a.CreationTime.getTime() - b.CreationTime.getTime() ||
          a.ModelPackageVersion - b.ModelPackageVersion,
    );
    if (input.SortOrder !== "Ascending") packages = packages.reverse();
    const start = Number(input.NextToken ?? 0) || 0;
    const size = typeof input.MaxResults === "number" ? input.MaxResults : 100;
    const page = packages.slice(start, start + size);
    return {
      ModelPackageSummaryList: page.map((item) => ({
        ModelPackageName: item.ModelPackageName,
        ModelPackageGroupName: item.ModelPackageGroupName,
        ModelPackageVersion: item.ModelPackageVersion,
        ModelPackageArn: item.ModelPackageArn,
        ModelPackageDescription: item.ModelPackageDescription,
        CreationTime: item.CreationTime,
        ModelPackageStatus: item.ModelPackageStatus,
        ModelApprovalStatus: item.ModelApprovalStatus,
      })),
      ...(start + size < packages.length ? { NextToken: String(start + size) } : {}),
    };
  }

  listGroups(input: JsonObject): JsonObject {
    const groups = listed([...this.groups.values()], input);
    return {
      ModelPackageGroupSummaryList: groups.items.map((group) => ({
        ModelPackageGroupName: group.name,
        ModelPackageGroupArn: group.arn,
        ...(group.description === undefined
          ? {}
          : { ModelPackageGroupDescription: group.description }),
        CreationTime: group.creationTime,
        ModelPackageGroupStatus: "Completed",
      })),
      ...groups.next,
    };
  }

  // Endpoints ---------------------------------------------------------------------------------

  listEndpoints(input: JsonObject): JsonObject {
    const endpoints = listed([...this.endpoints.values()], input);
    return {
      Endpoints: endpoints.items.map((endpoint) => ({
        EndpointName: endpoint.name,
        EndpointArn: endpoint.arn,
        CreationTime: endpoint.creationTime,
        LastModifiedTime: endpoint.creationTime,
        EndpointStatus: "InService",
      })),
      ...endpoints.next,
    };
  }

  listEndpointConfigs(input: JsonObject): JsonObject {
    const configs = listed([...this.endpointConfigs.values()], input);
    return {
      EndpointConfigs: configs.items.map((config) => ({
        EndpointConfigName: config.name,
        EndpointConfigArn: config.arn,
        CreationTime: config.creationTime,
      })),
      ...configs.next,
    };
  }

  createEndpointConfig(input: JsonObject): JsonObject {
    const name = resourceName(input.EndpointConfigName, "EndpointConfigName");
    if (this.endpointConfigs.has(name)) {
      throw new AwsServiceError(
        "ValidationException",
        `Cannot create already existing endpoint configuration "${this.arnOf("endpoint-config", name)}".`,
      );
    }
    const variants = Array.isArray(input.ProductionVariants)
      ? input.ProductionVariants.filter(isObject).map(endpointVariant)
      : [];
    if (variants.length === 0) {
      throw new AwsServiceError(
        "ValidationException",
        "1 validation error detected: Value null at 'productionVariants' failed to satisfy constraint: Member must not be null",
      );
    }
    const config: EndpointConfig = {
      name,
      arn: this.arnOf("endpoint-config", name),
      variants,
      creationTime: this.options.now(),
    };
    this.endpointConfigs.set(name, config);
    return { EndpointConfigArn: config.arn };
  }

  /** Creates an endpoint that is InService at once: the emulator provisions nothing. */
  createEndpoint(input: JsonObject): JsonObject {
    const name = resourceName(input.EndpointName, "EndpointName");
    const configName = resourceName(input.EndpointConfigName, "EndpointConfigName");
    if (this.endpoints.has(name)) {
      throw new AwsServiceError(
        "ValidationException",
        `Cannot create already existing endpoint "${this.arnOf("endpoint", name)}".`,
      );
    }
    if (!this.endpointConfigs.has(configName)) {
      throw new AwsServiceError(
        "ValidationException",
        `Could not find endpoint configuration "${this.arnOf("endpoint-config", configName)}".`,
      );
    }
    const endpoint: Endpoint = {
      name,
      arn: this.arnOf("endpoint", name),
      configName,
      creationTime: this.options.now(),
    };
    this.endpoints.set(name, endpoint);
    return { EndpointArn: endpoint.arn };
  }

  describeEndpoint(input: JsonObject): JsonObject {
    const endpoint = this.requireEndpoint(input.EndpointName);
    const config = this.endpointConfigs.get(endpoint.configName);
    const variants = config?.variants ?? [];
    const totalWeight = variants.reduce((sum, item) => sum + (item.InitialVariantWeight ?? 1), 0);
    return {
      EndpointName: endpoint.name,
      EndpointArn: endpoint.arn,
      EndpointConfigName: endpoint.configName,
      ProductionVariants: variants.map((variant) => ({
        VariantName: variant.VariantName,
        CurrentWeight: (variant.InitialVariantWeight ?? 1) / Math.max(totalWeight, 1e-9),
        DesiredWeight: (variant.InitialVariantWeight ?? 1) / Math.max(totalWeight, 1e-9),
        ...(variant.ServerlessConfig
          ? {
              CurrentServerlessConfig: variant.ServerlessConfig,
              DesiredServerlessConfig: variant.ServerlessConfig,
            }
          : {
              CurrentInstanceCount: variant.InitialInstanceCount ?? 1,
              DesiredInstanceCount: variant.InitialInstanceCount ?? 1,
            }),
      })),
      EndpointStatus: "InService",
      CreationTime: endpoint.creationTime,
      LastModifiedTime: endpoint.creationTime,
    };
  }

  describeEndpointConfig(input: JsonObject): JsonObject {
    const name = String(input.EndpointConfigName ?? "");
    const config = this.endpointConfigs.get(name);
    if (!config) {
      throw new AwsServiceError(
        "ValidationException",
        `Could not find endpoint configuration "${this.arnOf("endpoint-config", name)}".`,
      );
    }
    return {
      EndpointConfigName: config.name,
      EndpointConfigArn: config.arn,
      ProductionVariants: config.variants,
      CreationTime: config.creationTime,
    };
  }

  /**
   * The instance type and count an endpoint serves from (its variant with the most weight), for
   * benchmarking it; undefined for an unknown or serverless endpoint.
   */
  instancesOf(endpointName: string): { instanceType: string; instanceCount: number } | undefined {
    const endpoint = this.endpoints.get(endpointName);
    const variants = endpoint
      ? (this.endpointConfigs.get(endpoint.configName)?.variants ?? [])
      : [];
    const main = [...variants].sort(
      (a, b) => (b.InitialVariantWeight ?? 1) - (a.InitialVariantWeight ?? 1),
    )[0];
    return main?.InstanceType
      ? { instanceType: main.InstanceType, instanceCount: main.InitialInstanceCount ?? 1 }
      : undefined;
  }

  private requireEndpoint(name: unknown): Endpoint {
    const text = String(name ?? "");
    const endpoint = this.endpoints.get(text);
    if (!endpoint) {
      // SageMaker answers an unknown endpoint with ValidationException, not ResourceNotFound.
      throw new AwsServiceError(
        "ValidationException",
        `Could not find endpoint "${this.arnOf("endpoint", text)}".`,
      );
    }
    return endpoint;
  }

  private arnOf(kind: "endpoint" | "endpoint-config", name: string): string {
    return `arn:aws:sagemaker:${this.options.region}:${this.options.accountId}:${kind}/${name.toLowerCase()}`;
  }

  private emit(modelPackage: ModelPackage): void {
    this.options.onStateChange?.({
      source: "aws.sagemaker",
      detailType: "SageMaker Model Package State Change",
      resources: [modelPackage.ModelPackageArn],
      detail: {
        ModelPackageGroupName: modelPackage.ModelPackageGroupName,
        ModelPackageVersion: modelPackage.ModelPackageVersion,
        ModelPackageArn: modelPackage.ModelPackageArn,
        ModelPackageName: modelPackage.ModelPackageName,
        ModelPackageStatus: modelPackage.ModelPackageStatus,
        ModelApprovalStatus: modelPackage.ModelApprovalStatus,
        CreationTime: modelPackage.CreationTime.getTime(),
        LastModifiedTime: modelPackage.LastModifiedTime.getTime(),
        ...(modelPackage.Domain ? { Domain: modelPackage.Domain } : {}),
        ...(modelPackage.Task ? { Task: modelPackage.Task } : {}),
      },
    });
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resourceName(value: unknown, field: string): string {
  if (typeof value !== "string" || !RESOURCE_NAME.test(value)) {
    throw new AwsServiceError(
      "ValidationException",
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${RESOURCE_NAME.source}`,
    );
  }
  return value;
}

function endpointVariant(input: JsonObject): EndpointVariant {
  const serverless = isObject(input.ServerlessConfig) ? input.ServerlessConfig : undefined;
  return {
    VariantName: typeof input.VariantName === "string" ? input.VariantName : "AllTraffic",
    ...optionalString(input, "ModelName"),
    ...optionalString(input, "InstanceType"),
    ...(typeof input.InitialInstanceCount === "number"
      ? { InitialInstanceCount: input.InitialInstanceCount }
      : {}),
    ...(typeof input.InitialVariantWeight === "number"
      ? { InitialVariantWeight: input.InitialVariantWeight }
      : {}),
    ...(serverless
      ? {
          ServerlessConfig: {
            MemorySizeInMB: Number(serverless.MemorySizeInMB),
            MaxConcurrency: Number(serverless.MaxConcurrency),
          },
        }
      : {}),
  };
}

function optionalString(input: JsonObject, key: string): JsonObject {
  return typeof input[key] === "string" ? { [key]: input[key] } : {};
}

function requireName(value: unknown, field: string): string {
  if (typeof value !== "string" || !GROUP_NAME.test(value)) {
    throw new AwsServiceError(
      "ValidationException",
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${GROUP_NAME.source}`,
    );
  }
  return value;
}

/** A group is named by its name or by its ARN. */
function groupNameOf(value: unknown): string {
  const text = String(value ?? "");
  const fromArn = /:model-package-group\/(.+)$/.exec(text)?.[1];
  return requireName(fromArn ?? text, "ModelPackageGroupName");
}

function approvalStatus(value: unknown): ApprovalStatus {
  if (!APPROVAL_STATUSES.includes(value as ApprovalStatus)) {
    throw new AwsServiceError(
      "ValidationException",
      `ModelApprovalStatus must be one of ${APPROVAL_STATUSES.join(", ")}`,
    );
  }
  return value as ApprovalStatus;
}
