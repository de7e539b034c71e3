// The engine's dependencies for tests: the real renderer, sender and loader, with overrides.
import type { DeliveryDeps } from "../engine/deps";
import { defaultDeliveryDeps } from "../engine/default-deps";

export async function testDeliveryDeps(overrides: Partial<DeliveryDeps> = {}) {
  const deps = await defaultDeliveryDeps(overrides);
  return {
    ...deps,
    /** the renderer, failing for one user as a template that cannot render for them would */
    renderFailingFor(userId: string): DeliveryDeps["render"] {
      return (template, ctx, opts) =>
        ctx.user.id === userId
          ? { ok: false, errors: [{ field: "fields[0].value", message: '"broken" is not defined' }], warnings: [] }
          : deps.render(template, ctx, opts);
    },
  };
}
