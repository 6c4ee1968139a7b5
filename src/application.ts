/**
 * The application, declared once (src/application.json): every Lambda function, the module of its
 * handler, what invokes it, the settings it reads beyond the shared ones and the permissions its
 * role needs. serverless.yml's functions (deploy/functions.cjs) and roles (deploy/resources.cjs),
 * the state machine's binding and the local stack's list of workflow functions all come from it;
 * test/deploy/template.test.ts proves the packaged template says what it says.
 */
import * as z from "zod";
import declared from "./application.json" with { type: "json" };

/** What a permission may name; deploy/resources.cjs turns each into ARNs of this stack. */
export const RESOURCES = [
  "jobsTable",
  "jobsTableIndexes",
  "outcomeBus",
  "stateMachine",
  "executions",
  "recommendationJobs",
  "aiRecommendationJobs",
  "aiWorkloadConfigs",
  "endpoints",
  "endpointConfigs",
  "modelPackages",
  "sagemakerRole",
  "deadLetters",
  "any",
] as const;

/** The conditions a permission may carry; deploy/resources.cjs writes each. */
export const CONDITIONS = [
  "requestTaggedWithStack",
  "resourceTaggedWithStack",
  "passedToSageMaker",
] as const;

export const INVOKERS = [
  "state-machine",
  "registry-rule",
  "schedule-rule",
  "execution-ended-rule",
] as const;

const statementSchema = z.strictObject({
  actions: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z]+$/)).min(1),
  on: z.array(z.enum(RESOURCES)).min(1),
  when: z.enum(CONDITIONS).optional(),
  /** Why the role needs it, where that is not plain. */
  why: z.string().optional(),
});

const permissionSchema = z.union([statementSchema, z.strictObject({ use: z.string() })]);

const applicationSchema = z
  .strictObject({
    functions: z.record(
      z.string().regex(/^[a-z][A-Za-z]+$/),
      z.strictObject({
        /** The handler's module, without its extension; it exports `handler`. */
        handler: z.string().regex(/^functions\/[a-z-]+$/),
        invokedBy: z.enum(INVOKERS),
        /** Environment variables of its own, beyond the provider's. */
        settings: z.array(z.string()).optional(),
        permissions: z.array(permissionSchema),
      }),
    ),
    /** Statements several functions share, used by name. */
    permissionSets: z.record(z.string(), z.array(statementSchema)),
  })
  .superRefine((application, context) => {
    for (const [name, fn] of Object.entries(application.functions)) {
      for (const permission of fn.permissions) {
        if ("use" in permission && !(permission.use in application.permissionSets)) {
          context.addIssue({
            code: "custom",
            path: ["functions", name, "permissions"],
            message: `uses the permission set ${permission.use}, which is not declared`,
          });
        }
      }
    }
  });

export type Application = z.output<typeof applicationSchema>;
export type Statement = z.output<typeof statementSchema>;

export const APPLICATION: Application = applicationSchema.parse(declared);

/** The function's name in the state machine and the template: createJob -> CreateJob. */
export const pascalName = (key: string) => key.charAt(0).toUpperCase() + key.slice(1);

/** The functions the state machine invokes, by their names there. */
export const STATE_MACHINE_FUNCTIONS = Object.entries(APPLICATION.functions)
  .filter(([, fn]) => fn.invokedBy === "state-machine")
  .map(([key]) => pascalName(key));

/** Every statement a function's role needs, its permission sets expanded. */
export function declaredStatements(key: string): Statement[] {
  const fn = APPLICATION.functions[key];
  if (!fn) throw new Error(`no function ${key} is declared in src/application.json`);
  return fn.permissions.flatMap((permission) =>
    "use" in permission ? (APPLICATION.permissionSets[permission.use] ?? []) : [permission],
  );
}
