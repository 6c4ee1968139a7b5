/**
 * The lenient twin of a schema: the same fields and value types, with no limit, pattern,
 * refinement or unknown-field check. It reads data that was valid when it was written (a spec
 * stored in a job record) without judging it by today's rules, so a release that tightens a rule
 * never makes an old record unreadable.
 *
 * Enums and literals stay exact: their values are part of the type. The compatibility rule
 * (docs/reliability.md) is that a release only ever adds to them.
 */
import * as z from "zod";

/**
 * Builds the twin. The output type is the strict schema's: every value still has the type it
 * declares; only range and pattern checks, which TypeScript types do not express, are gone, and
 * objects keep fields they do not declare, which a structural type allows.
 */
export function lenient<T extends z.ZodType>(schema: T): z.ZodType<z.output<T>, z.input<T>> {
  return loosen(schema as unknown as z.core.$ZodType) as unknown as z.ZodType<
    z.output<T>,
    z.input<T>
  >;
}

function loosen(schema: z.core.$ZodType): z.ZodType {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  switch (def.type) {
    case "string":
      return z.string();
    case "number":
      return z.number();
    case "boolean":
      return z.boolean();
    case "unknown":
      return z.unknown();
    case "enum":
      return z.enum(def.entries);
    case "literal":
      return z.literal(def.values);
    case "array":
      return z.array(loosen(def.element));
    case "record":
      return z.record(z.string(), loosen(def.valueType));
    case "object":
      return z.looseObject(
        Object.fromEntries(Object.entries(def.shape).map(([key, field]) => [key, loosen(field)])),
      );
    case "optional":
      return loosen(def.innerType).optional();
    case "nullable":
      return loosen(def.innerType).nullable();
    case "default":
      return loosen(def.innerType).default(def.defaultValue as never);
    default:
      // A kind this function does not know would be read strictly or not at all: refuse at once.
      throw new Error(`lenient(): no lenient form for a zod ${def.type} schema`);
  }
}
