// Renders compiled templates with context escaping, bounded in size and time. A whole request
// (URL, fields, headers) renders in ONE Handlebars call: the fields become __field blocks of a
// combined program, compiled once per set of templated fields (from its second render on),
// because each Handlebars call pays a fixed set-up cost (it wraps every helper) that would
// otherwise dominate the delivery hot path.
import type Handlebars from "handlebars";
import { ByteCache } from "./byte-cache";
import { compileNow, compileTemplate, isCompiled, type CompiledTemplate } from "./compile";
import { compileOptions, createRenderState, environmentFor, FIELD, MAX_RENDER_MS, runtimeOptions, withRenderState } from "./environment";
import { overBudget, startBudget, type EscapeMode, type RenderBudget, type RenderState } from "./escape";
import { countExpressions, MAX_REQUEST_EXPRESSIONS, requestExpressionProblems } from "./source-check";
import { TemplateError, toTemplateError } from "./template-error";
import { finishUrl } from "./url-context";

/** The largest rendered value: a body over 256 KiB is an error, not a send. */
export const MAX_OUTPUT_BYTES = 256 * 1024;

function checkSize(out: string, maxBytes: number) {
  if (out.length > maxBytes / 3 && Buffer.byteLength(out) > maxBytes) throw new TemplateError(`The rendered value is over ${Math.round(maxBytes / 1024)} KiB`);
}

function finish(out: string, mode: EscapeMode, state: RenderState, maxBytes: number): string {
  const text = mode === "url" ? finishUrl(out, state.urlValues) : out;
  checkSize(text, maxBytes);
  return text;
}

/** A render's state whose time is `budget` when given (shared across calls: a request's fields), else MAX_RENDER_MS from now. */
function stateWithin(mode: EscapeMode, budget: RenderBudget | undefined): RenderState {
  const state = createRenderState(mode, MAX_RENDER_MS);
  if (budget) {
    // the caller's budget, as it is (started before the templates compiled: a request's whole time);
    // it was only ever allowed to shorten MAX_RENDER_MS, so a test's startBudget(10_000) gave 250 ms
    state.deadline = budget.deadline;
    state.hardDeadline = budget.hardDeadline;
  }
  return state;
}

/** Renders one template for one context. Throws TemplateError. `budget` (startBudget) shares a time budget across calls. */
export function renderTemplate(template: CompiledTemplate, context: object, mode: EscapeMode, maxBytes = MAX_OUTPUT_BYTES, budget?: RenderBudget): string {
  if (template.isStatic || !template.fn) return template.source;
  const state = stateWithin(mode, budget);
  let out: string;
  try {
    const fn = template.fn;
    out = withRenderState(state, () => fn(context, runtimeOptions()));
  } catch (err) {
    throw toTemplateError(err);
  }
  return finish(out, mode, state, maxBytes);
}

export type FieldSource = { source: string; mode: EscapeMode };
/** A field's rendered text, or why it failed. */
export type FieldOutput = { ok: true; text: string } | { ok: false; error: TemplateError };

/** A set of fields compiled for rendering together (prepareFields), reusable across renders. */
export type PreparedFields = {
  fields: FieldSource[];
  templates: (CompiledTemplate | TemplateError)[];
  /** the key of the combined program (its dynamic fields); null when no field needs rendering or one fails to compile */
  program: string | null;
  fn: Handlebars.TemplateDelegate | null;
  /** compiling stopped at the time budget: not cached, the next call compiles the rest */
  outOfTime?: boolean;
};
type Batch = PreparedFields;
const COMPILE_OUT_OF_TIME = `Template too complex: compiling the webhook's templates took longer than ${MAX_RENDER_MS} ms, the time a render may take: simplify them`;
const NOT_COMPILED = `Not rendered: the webhook's templates hold more than ${MAX_REQUEST_EXPRESSIONS.toLocaleString("en")} expressions in all (the field that passes the limit says so)`;
// Both caches are bounded by estimated bytes: a key holds every source of the set.
const batches = new ByteCache<Batch>(16 * 1024 * 1024, (key) => 512 + key.length * 2);
// Combined programs by their dynamic fields only: static text around them does not change the
// program, so typing plain text in the editor reuses it. null: rendered once, not compiled yet.
const programs = new ByteCache<Handlebars.TemplateDelegate | null>(32 * 1024 * 1024, (key, fn) => 512 + key.length * (fn ? 16 : 2));

function batchKey(fields: FieldSource[]): string {
  let key = "";
  for (const f of fields) key += `${f.mode[0]}${f.source.length}:${f.source}`;
  return key;
}

function dynamicFields(batch: Batch): { t: CompiledTemplate; i: number }[] {
  return batch.templates.flatMap((t, i) => (t instanceof TemplateError || t.isStatic || !t.ast ? [] : [{ t, i }]));
}

function programKey(batch: Batch): string | null {
  const dynamic = dynamicFields(batch);
  if (dynamic.length === 0 || batch.templates.some((t) => t instanceof TemplateError)) return null;
  let key = "";
  for (const { t, i } of dynamic) key += `${i}${batch.fields[i].mode[0]}${t.source.length}:${t.source}`;
  return key;
}

function compileProgram(batch: Batch): Handlebars.TemplateDelegate {
  const dynamic = dynamicFields(batch);
  const path = { type: "PathExpression", data: false, depth: 0, parts: [FIELD], original: FIELD };
  const program = {
    type: "Program",
    strip: {},
    body: dynamic.map(({ t, i }) => ({
      type: "BlockStatement",
      path,
      params: [
        { type: "NumberLiteral", value: i, original: i },
        { type: "StringLiteral", value: batch.fields[i].mode, original: batch.fields[i].mode },
      ],
      hash: undefined,
      program: structuredClone(t.ast),
      inverse: undefined,
      openStrip: { open: false, close: false },
      inverseStrip: { open: false, close: false },
      closeStrip: { open: false, close: false },
    })),
  } as unknown as hbs.AST.Program;
  const helpers = dynamic.flatMap(({ t }) => t.helpers);
  // The fields' ASTs already had their whitespace control applied when parsed; compiling an AST
  // applies it again, so standalone-line stripping must not run twice (it would eat a field's
  // leading blank line).
  const fn = environmentFor(helpers).compile(program, { ...compileOptions, ignoreStandalone: true });
  compileNow(fn);
  return fn;
}

/**
 * The batch's combined program, or null to render it field by field. Compiling the combined
 * program costs about as much as a dozen renders, so a set of fields seen for the first time
 * (the preview as the marketer types) renders field by field from the per-template cache; from
 * its second render on (delivery's next user, the preview of an unchanged action) it is compiled.
 */
function combinedProgram(batch: Batch, budget: RenderBudget): Handlebars.TemplateDelegate | null {
  if (batch.fn || !batch.program) return batch.fn;
  let fn = programs.get(batch.program);
  if (fn === undefined) {
    programs.set(batch.program, null);
  } else {
    if (fn === null) {
      // compiling it costs as much as compiling the fields: not when the request's time is spent
      if (overBudget(budget)) return null;
      fn = compileProgram(batch);
      programs.set(batch.program, fn);
    }
    batch.fn = fn;
  }
  return fn ?? null;
}

/**
 * Compiles a set of fields for rendering together (cached by their sources and modes). Compiling
 * counts against `budget` (the request's, see renderFields): past it, the fields left are refused
 * for this call and the set is not cached (the next call compiles the rest).
 */
export function prepareFields(fields: FieldSource[], budget?: RenderBudget): PreparedFields {
  const key = batchKey(fields);
  let batch = batches.get(key);
  if (!batch) {
    let outOfTime = false;
    // past the webhook's budget of expressions, nothing is compiled: the request cannot be sent
    const tooComplex = requestExpressionProblems(fields.map((f) => f.source));
    const overLimit = tooComplex.some(Boolean);
    const templates = fields.map((f, i) => {
      if (tooComplex[i]) return tooComplex[i];
      if (overLimit && countExpressions(f.source) > 0) return new TemplateError(NOT_COMPILED);
      if (budget && !isCompiled(f.source) && overBudget(budget)) {
        outOfTime = true;
        return new TemplateError(COMPILE_OUT_OF_TIME);
      }
      try {
        return compileTemplate(f.source);
      } catch (err) {
        return toTemplateError(err);
      }
    });
    batch = { fields, templates, program: null, fn: null };
    if (outOfTime) return { ...batch, outOfTime };
    batch.program = programKey(batch);
    batches.set(key, batch);
  }
  return batch;
}

/** The compiled templates of these fields (for their variable paths), or their errors. */
export function compiledFields(fields: FieldSource[] | PreparedFields): (CompiledTemplate | TemplateError)[] {
  return (Array.isArray(fields) ? prepareFields(fields) : fields).templates;
}

/**
 * Renders every field for one context, in one Handlebars call when all compile and the set has
 * rendered before (combinedProgram), else field by field (also to tell which field failed, with a
 * second budget). `budget` is the request's time, started before its templates compiled (pass the
 * one prepareFields had): compiling, the combined program's included, counts against it, so a
 * request compiles and renders for at most 2 × MAX_RENDER_MS. Never throws: each field gives its
 * text or its TemplateError.
 */
export function renderFields(prepared: FieldSource[] | PreparedFields, context: object, maxBytes = MAX_OUTPUT_BYTES, budget = startBudget(MAX_RENDER_MS)): FieldOutput[] {
  const batch = Array.isArray(prepared) ? prepareFields(prepared, budget) : prepared;
  const fields = batch.fields;
  const fn = combinedProgram(batch, budget);
  if (fn) {
    const state = stateWithin("raw", budget);
    state.outputs = new Array(fields.length);
    let failed = false;
    try {
      withRenderState(state, () => fn(context, runtimeOptions()));
    } catch {
      failed = true; // render the fields one by one to tell which one failed
    }
    if (!failed) {
      return fields.map((f, i) => {
        const t = batch.templates[i] as CompiledTemplate;
        if (t.isStatic) return { ok: true, text: t.source };
        try {
          // URL values were collected in state.urlValues while the URL field rendered
          return { ok: true, text: finish(state.outputs![i] ?? "", f.mode, state, maxBytes) };
        } catch (err) {
          return { ok: false, error: toTemplateError(err) };
        }
      });
    }
  }
  // field by field, the fields share one budget: what is left of the request's, or a second one
  // when the combined program ran out of the first
  const fieldBudget = fn ? startBudget(MAX_RENDER_MS) : budget;
  return fields.map((f, i) => {
    const t = batch.templates[i];
    if (t instanceof TemplateError) return { ok: false, error: t };
    try {
      return { ok: true, text: renderTemplate(t, context, f.mode, maxBytes, fieldBudget) };
    } catch (err) {
      return { ok: false, error: toTemplateError(err) };
    }
  });
}
