// Who may exempt a campaign from the per-user frequency cap: an admin, as the cap is theirs
// (lib/auth/roles.ts mayChangeCapExempt). The words the Delivery section and the refusal share.
export const CAP_EXEMPT_ADMIN_ONLY = "Only admins can exempt a campaign from the frequency cap";
