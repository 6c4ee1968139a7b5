import { z } from "zod";
import { jobInput, stepHandler } from "../src/handler.ts";
import { describeJobStep } from "../src/workflow/steps.ts";

const input = jobInput.extend({ pollsSeen: z.number().int().min(0).optional() });

export const handler = stepHandler("DescribeJob", input, describeJobStep);
