// How the campaign page's one Save names things in the delivery settings it sends along with the
// campaign (client-safe: the form and the server share it).

/** The webhook at `position` of the draft, saved or not yet ("@0"). */
export const actionRef = (position: number) => `@${position}`;

/** Field errors of the delivery settings come back under this prefix ("delivery.rule.sendAt"). */
export const DELIVERY_ERROR_PREFIX = "delivery.";
