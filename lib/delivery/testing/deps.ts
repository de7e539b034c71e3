// The engine's dependencies for tests: the real ones when lib/webhooks has them, with overrides.
import type { DeliveryDeps } from "../deps";
import { standinDeps, standinRender } from "./standin-deps";

export async function testDeliveryDeps(overrides: Partial<DeliveryDeps> = {}) {
  const deps = standinDeps(overrides);
  return {
    ...deps,
    /** the renderer, failing for one user as a template that cannot render for them would */
    renderFailingFor(userId: string): DeliveryDeps["render"] {
      return (template, ctx, opts) =>
        ctx.user.id === userId
          ? { ok: false, errors: [{ field: "fields[0].value", message: '"broken" is not defined' }], warnings: [] }
          : (deps.render ?? standinRender)(template, ctx, opts);
    },
  };
}
