// Who a webhook added to a live campaign goes to, for Save's confirmation and its "Saved." to say. A
// campaign plans its users, each with the webhooks it has then, when it fans out (lib/delivery/store/fan-out.ts):
// a one-off campaign at activation, a recurring one at each run, a triggered one at each event. A
// webhook added after a fan-out is in none of its deliveries; a marketer was told "webhook changes
// apply to the next deliveries", then "Saved.", and the new webhook never sent.
// Pure and client-safe: the editor asks it with the rule on screen.
import { deliveryRuleSchema } from "../delivery/core/rules";

function listed(words: string[]): string {
  return words.length < 2 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/**
 * `rawRule`: the live campaign's delivery rule; `added`: the webhooks the save adds ("Webhook 2 (CRM)").
 * Null when none is added, or the rule cannot be read.
 */
export function newWebhooksReach(rawRule: unknown, added: string[]): string | null {
  if (added.length === 0) return null;
  const parsed = deliveryRuleSchema.safeParse(rawRule);
  if (!parsed.success) return null;
  const one = added.length === 1;
  const which = `${listed(added)} ${one ? "is" : "are"} new: ${one ? "it goes" : "they go"} to nobody`;
  const planned = "(their users were planned with the webhooks they had)";
  switch (parsed.data.when) {
    case "immediate":
    case "scheduled":
      return `${which} in this campaign, as the campaign planned its users and their webhooks when it was activated; to send ${one ? "it" : "them"}, put ${one ? "it" : "them"} in a campaign of ${one ? "its" : "their"} own.`;
    case "recurring":
      return `${which} in the runs already planned ${planned}; ${one ? "it is" : "they are"} part of each run from the next one on.`;
    case "triggered":
      return `${which} for the events already tracked ${planned}; each event tracked from now on sends ${one ? "it" : "them"} too.`;
  }
}
