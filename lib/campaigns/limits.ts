// The limits of a campaign's webhook actions: one place, read by the schemas, the forms and the docs.
/** The webhooks (steps) a campaign holds, whatever saves added them (saveCampaign checks what is stored). */
export const MAX_WEBHOOKS = 20;
export const MAX_URL_LENGTH = 2048;
export const MAX_FIELDS = 100;
export const MAX_HEADERS = 50;
export const MAX_VALUE_BYTES = 16 * 1024;
export const MAX_KEY_LENGTH = 200;
export const MAX_TIMEOUT_SECONDS = 60;
export const DEFAULT_TIMEOUT_SECONDS = 15;

/** How a stored secret (URL password, secret header value) is shown after save. */
export const SECRET_MASK = "••••";

/** The default delivery rule of a new campaign (issue 4 owns the rule's full schema). */
export const DEFAULT_DELIVERY_RULE = { when: "immediate" } as const;
