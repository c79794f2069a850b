import type { z } from "zod";
import { listOf } from "./setting";

const expectedTypes: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  boolean: "a boolean (true or false)",
  string: "a string",
  object: "an object",
  array: "a list",
};

/**
 * zod messages for the fields of a structured setting (`existing.port`, `neon.compute.maxCu`) in the words of the
 * flat settings: the value, what is wrong with it, and what is accepted. The value is left out for the fields in
 * `secretFields` (or for all fields, when the whole setting is a secret). Messages a schema writes itself win.
 */
export function structuredIssueMessages(options: {
  secretFields: readonly string[];
  secretSetting: boolean;
}): z.core.$ZodErrorMap {
  return (issue) => {
    const field = issue.path?.[0];
    const hidden = options.secretSetting || (typeof field === "string" && options.secretFields.includes(field));
    const value = hidden || issue.input === undefined ? "" : `${JSON.stringify(issue.input)} `;
    switch (issue.code) {
      case "invalid_type":
        if (issue.input === undefined) return "is required.";
        return `${value}is not ${expectedTypes[issue.expected] ?? issue.expected}.`;
      case "too_big":
        return issue.origin === "string"
          ? `is too long: at most ${issue.maximum} characters.`
          : `${value}is too big: at most ${issue.maximum}.`;
      case "too_small":
        if (issue.origin === "string") {
          return issue.input === "" ? "must not be empty." : `is too short: at least ${issue.minimum} characters.`;
        }
        return `${value}is too small: at least ${issue.minimum}.`;
      case "invalid_value":
        return `${value}is not accepted. Accepted values: ${listOf(issue.values.map(String))}.`;
      case "unrecognized_keys": {
        const fields = Object.keys((issue.inst as z.ZodObject | undefined)?.shape ?? {}).filter(
          (name) => !options.secretFields.includes(name),
        );
        return `has no field ${listOf(issue.keys.map((key) => JSON.stringify(key)))}. Accepted fields: ${listOf(fields)}.`;
      }
      default:
        return undefined;
    }
  };
}
