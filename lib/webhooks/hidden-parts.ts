// What the display's masks hide, gathered while a request is masked (hiddenBy): the secrets it carries
// beyond its headers (secret query values and fields, a hook's secret path, a URL's password), found by
// the very functions that mask them (credential-parts.ts, url-credentials.ts, mask.ts), so the response
// that echoes them is masked by the same rule as the request shown (echoed-secrets.ts sentSecrets). The masks are
// synchronous: nothing else runs while one gathers.
import { SECRET_MASK } from "../campaigns/limits";

let gathering: ((secret: string) => void) | null = null;

/** The mask that stands for `secret` where it is shown; `secret` is gathered when hiddenBy runs. */
export function hide(secret: string, mask: string = SECRET_MASK): string {
  gathering?.(secret);
  return mask;
}

/** Every value `mask` hides (hide) while it runs, in the order hidden. */
export function hiddenBy(mask: () => unknown): string[] {
  const found: string[] = [];
  const outer = gathering;
  gathering = (secret) => found.push(secret);
  try {
    mask();
  } finally {
    gathering = outer;
  }
  return found;
}
