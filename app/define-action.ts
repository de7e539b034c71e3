// The one way a server action is built: the member is held to the role first (a viewer's or a
// stranger's 10 MB argument is refused without being walked), then its arguments are parsed with zod
// before the body runs (a server action is a public endpoint: anyone can call it with any JSON), text
// neither database can store refused first wherever it is; whatever it throws becomes the one
// ActionResult through one mapper, never a 500 page. The twin of withInternal for route handlers.
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { failed, fieldErrorsOf, invalid, type ActionFailure, type ActionResult } from "@/lib/api/action-result";
import { raceErrorToApi } from "@/lib/api/errors";
import { unstorableText } from "@/lib/db/storable-text";
import { AccessError } from "@/lib/auth/guard";
import { MemberError, type Member } from "@/lib/auth/members";
import type { Role } from "@/lib/auth/roles";
import { CampaignConflictError, CampaignNotFoundError, StepInUseError, WebhookLimitError, WebhookNotInCampaignError } from "@/lib/campaigns/campaigns";
import { VariantInUseError } from "@/lib/campaigns/variant-rows";
import { DestinationTemplateError } from "@/lib/campaigns/destination-templates";
import { TemplateSyntaxError } from "@/lib/campaigns/template-check";
import { UrlPasswordError } from "@/lib/campaigns/url-password";
import { SecretHostError } from "@/lib/campaigns/fixed-host-secrets";
import { SigningSecretError } from "@/lib/campaigns/signing-secrets";
import { TestSendAttachError } from "@/lib/campaigns/test-sends";
import { describeSafely, log } from "@/lib/log";
import { AllowedDestinationError } from "@/lib/webhooks/allowed-destinations";
import { actingMember } from "./member";

type Options<S extends z.ZodType> = {
  /** The least role that may run the action. */
  role: Role;
  /** The arguments: a z.tuple for positional arguments (campaignId, input), else the one argument's schema. */
  schema: S;
  /** What the action does, for the failure message ("Saving failed because of a server problem"). */
  name: string;
  /**
   * A tuple's field-error paths start with each argument's own prefix ("" for the first): the campaign
   * save's delivery settings answer at "delivery.rule.event", where the editor shows them, not at a
   * path the draft's own fields use ("actions.0...").
   */
  argumentPrefixes?: string[];
};

type ActionFn<S extends z.ZodType, T> = S extends z.ZodTuple ? (...args: z.input<S>) => Promise<ActionResult<T>> : (input: z.input<S>) => Promise<ActionResult<T>>;

export function defineAction<S extends z.ZodType, T = undefined>(options: Options<S>, body: (input: z.output<S>, member: Member) => Promise<ActionResult<T>>): ActionFn<S, T> {
  const action = async (...args: unknown[]): Promise<ActionResult<T>> => {
    let member: Member;
    try {
      // the session and role need none of the arguments: checked first, so only a member who may run the action makes the server walk them
      member = await actingMember(options.role);
    } catch (err) {
      return actionFailure(options.name, err);
    }
    const tuple = options.schema instanceof z.ZodTuple;
    const input = tuple ? args : args[0];
    const parsed = unstorableIssue(input) ?? options.schema.safeParse(input);
    // a tuple's issues start with the argument's index: the form's paths ("actions.0.url") are the argument's own
    if (!parsed.success) return invalid(tuple ? new z.ZodError(parsed.error.issues.map((i) => ({ ...i, path: argumentPath(i.path, options.argumentPrefixes) }))) : parsed.error);
    try {
      return await body(parsed.data, member);
    } catch (err) {
      return actionFailure(options.name, err);
    }
  };
  return action as ActionFn<S, T>;
}

/** What a form built by defineFormAction shows: nothing before the first submit, then its failure (success redirects). */
export type FormActionState = ActionFailure | null;

/** useActionState calls it with the previous state; a plain `<form action>` with the form alone. */
type FormAction = {
  (previous: FormActionState, form: FormData): Promise<FormActionState>;
  (form: FormData): Promise<void>;
};

/**
 * The one way a form for visitors not signed in is built (sign-in, owner set-up, invitation,
 * sign-out): React calls it with (previous state, FormData), or with the FormData alone for a plain
 * `<form action>`. No member is checked (there is none yet); everything else is defineAction's: the
 * form's text fields are parsed with zod before anything runs (an argument that is not a form is
 * refused), unstorable text first, and whatever the body throws goes through the one mapper. Next's
 * redirect() passes through: it is how these forms succeed.
 */
export function defineFormAction<S extends z.ZodType>(options: { schema: S; name: string }, body: (input: z.output<S>) => Promise<ActionFailure | void>): FormAction {
  const action = async (...args: unknown[]): Promise<FormActionState> => {
    const form = args.at(-1);
    if (!(form instanceof FormData)) return failed("Send the form's fields.");
    // no prototype: a field named "__proto__" or "constructor" is a field like any other
    const fields: Record<string, string> = Object.create(null);
    for (const [key, value] of form.entries()) if (typeof value === "string" && !Object.hasOwn(fields, key)) fields[key] = value;
    const parsed = unstorableIssue(fields) ?? options.schema.safeParse(fields);
    if (!parsed.success) {
      const fieldErrors = fieldErrorsOf(parsed.error);
      return failed(Object.keys(fieldErrors).length === 1 ? "Fix the highlighted field." : "Fix the highlighted fields.", fieldErrors);
    }
    try {
      return (await body(parsed.data)) ?? null;
    } catch (err) {
      unstable_rethrow(err);
      return actionFailure(options.name, err);
    }
  };
  return action as FormAction;
}

/** An issue's path in a tuple of arguments ([1, "rule", "event"]) as the form names it ("delivery.rule.event"). */
function argumentPath(path: PropertyKey[], prefixes: string[] = []): PropertyKey[] {
  const prefix = prefixes[Number(path[0])] ?? "";
  return [...prefix.split(".").filter(Boolean), ...path.slice(1)];
}

// keys and values an action's arguments may hold: a campaign draft with 16 variants of 100 fields has
// under 10,000; the walk below stays a few milliseconds whatever is sent
const MAX_ARGUMENT_VALUES = 50_000;

/** Text neither database can store, anywhere in the arguments (keys too), as a failed parse at its path; checked before any schema, so no action can forget it. */
function unstorableIssue(input: unknown): { success: false; error: z.ZodError } | null {
  const bad = unstorableText(input, MAX_ARGUMENT_VALUES);
  if (!bad) return null;
  const message = bad.tooLarge ? `This holds ${bad.problem}: more than can be saved at once` : `Text cannot contain ${bad.problem}`;
  return { success: false, error: new z.ZodError([{ code: "custom", path: bad.path ? bad.path.split(".") : [], message, input: undefined }]) };
}


/** The one mapper from a thrown error to what the form shows; unexpected errors are logged without secrets. */
export function actionFailure(what: string, err: unknown): ActionFailure {
  if (err instanceof AccessError || err instanceof CampaignNotFoundError || err instanceof AllowedDestinationError || err instanceof VariantInUseError || err instanceof StepInUseError || err instanceof SigningSecretError || err instanceof TestSendAttachError) return failed(err.message);
  if (err instanceof TemplateSyntaxError || err instanceof SecretHostError) return failed(err.message, err.fieldErrors);
  // someone saved the campaign since this page loaded it: the form offers to reload, keeping what was typed until then
  if (err instanceof CampaignConflictError) return { ...failed(err.message), conflict: true };
  if (err instanceof UrlPasswordError) return failed(err.message);
  if (err instanceof WebhookLimitError) return failed(err.message, { [err.field]: err.message });
  if (err instanceof WebhookNotInCampaignError) return failed(`${err.message} Reload the page.`, err.field ? { [err.field]: err.message } : {});
  if (err instanceof MemberError) return failed(err.message, err.field ? { [err.field]: err.message } : {});
  if (err instanceof DestinationTemplateError) return failed(err.message, err.field ? { [err.field]: err.message } : {});
  // A lib function's own schema refused a value: its first complaint is the message (e.g. "Enter a valid email address").
  if (err instanceof z.ZodError) return failed(err.issues[0]?.message ?? "Check the form.", fieldErrorsOf(err));
  if (typeof (err as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds === "number") return failed((err as Error).message);
  const race = raceErrorToApi(err);
  if (race) return failed(race.message);
  log.error(`${what} failed`, { error: describeSafely(err) });
  return failed(`${what} failed because of a server problem. Nothing was lost: try again.`);
}
