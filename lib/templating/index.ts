// The template engine of Hookline: the preview, test sends and delivery all render through it
// (via lib/webhooks/render-request.ts). See the README's "Templates" section for the language.
export { compileTemplate, MAX_SOURCE_LENGTH, type CompiledTemplate } from "./compile";
export { renderTemplate, renderFields, prepareFields, compiledFields, MAX_OUTPUT_BYTES, type FieldSource, type FieldOutput, type PreparedFields } from "./render";
export { TemplateError, TemplateSkip, skippedReason, wouldSkipMessage, isWouldSkipMessage } from "./template-error";
export { BUSY_WINDOW_MS, startBudget, type EscapeMode, type RenderBudget } from "./escape";
export { attributeRead, buildTemplateContext, isPlaceholderPath, missingPaths, pathSegments } from "./context";
export { REQUIRED_AS_VALUE } from "./helpers";
export { MAX_ITERATIONS, MAX_RENDER_MS, MAX_INSERTED_BYTES, DATA_VARIABLES } from "./environment";
export { MAX_EXPRESSIONS, MAX_NESTING, MAX_REQUEST_EXPRESSIONS, overLimitReason } from "./source-check";

import { compileTemplate } from "./compile";
import { requestExpressionProblems } from "./source-check";
import { TemplateError } from "./template-error";

type SyntaxProblem = { message: string; line?: number; column?: number };

/** A template's syntax problem (line and column when known), or null when it compiles. */
export function templateSyntaxProblem(source: string): SyntaxProblem | null {
  try {
    compileTemplate(source);
    return null;
  } catch (err) {
    const e = err instanceof TemplateError ? err : new TemplateError(String(err));
    return { message: e.message, line: e.line, column: e.column };
  }
}

/**
 * The syntax problem of each template of one webhook (URL, data values, header values, in the order
 * they render), the webhook's limit of expressions included: what saving and the editor refuse.
 */
export function webhookSyntaxProblems(sources: string[]): (SyntaxProblem | null)[] {
  const tooComplex = requestExpressionProblems(sources);
  return sources.map((source, i) => templateSyntaxProblem(source) ?? (tooComplex[i] ? { message: tooComplex[i].message } : null));
}

/** Those of templateVariables whose missing value shows (empty), not only tested ({{#if user.coupon}}, {{default user.coupon "none"}}). */
export function templateNeededVariables(source: string): string[] {
  try {
    return compileTemplate(source).neededPaths;
  } catch {
    return [];
  }
}

/** The variables a template reads outside #each/#with, as written (e.g. ["user.city", "userAttribute.[plan.tier]"]). */
export function templateVariables(source: string): string[] {
  try {
    return compileTemplate(source).paths;
  } catch {
    return [];
  }
}
