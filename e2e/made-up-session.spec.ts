// A session cookie that names no session opens nothing: every page that shows data sends it to Sign in
// with nothing of the page in the answer. proxy.ts only sees that the cookie is there; the page checks
// the member before it reads (app/member.ts definePage). Before, the 307's body held the users with
// their emails, the campaign draft (its URL, fields and headers) and the settings.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("a made-up session cookie reads no page's data; the signed-in owner sees the same data", async ({ page, playwright, baseURL }) => {
  const prisma = await appDb();
  const tag = `madeup${Date.now()}`;
  const email = `${tag}@leak.example`;
  const marker = `${tag}-field-value`;
  try {
    await prisma.user.create({ data: { id: `${tag}-user`, email, attributes: { plan: marker } } });
    const campaign = await prisma.campaign.create({
      data: {
        name: `Made-up cookie ${tag}`,
        deliveryRule: { when: "immediate" },
        actions: { create: { name: "Hook", urlTemplate: `https://crm.example.com/${tag}/hook`, fields: [{ key: "k", value: marker }], headers: [] } },
      },
    });
    await prisma.allowedDestination.create({ data: { entry: `${tag}.internal.example`, createdBy: "e2e" } });
    const pages = ["/users", `/users?q=${tag}`, `/users/${tag}-user`, `/campaigns`, `/campaigns/${campaign.id}`, "/campaigns/new", "/settings", "/activity", "/audit-log"];

    // signed in, the data is there: what the made-up cookie must not get
    for (const path of [`/users?q=${tag}`, `/users/${tag}-user`, `/campaigns/${campaign.id}`, "/settings"]) {
      const res = await page.request.get(path);
      expect(res.status(), path).toBe(200);
      expect(await res.text(), path).toMatch(new RegExp(`${email}|${marker}|${tag}.internal`));
    }

    const stranger = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    try {
      for (const path of pages) {
        const res = await stranger.get(path, { headers: { cookie: "hookline.session_token=made-up.value" }, maxRedirects: 0 });
        const body = await res.text();
        expect(res.status(), path).toBe(307);
        expect(res.headers()["location"], path).toMatch(/\/sign-in$/);
        // (the address itself may be echoed: the tag in /users?q= is what the caller typed)
        for (const secret of [email, marker, `Made-up cookie ${tag}`, `${tag}.internal`]) expect(body.includes(secret), `${path} holds ${secret}`).toBe(false);
      }
    } finally {
      await stranger.dispose();
    }
  } finally {
    await prisma.allowedDestination.deleteMany({ where: { entry: `${tag}.internal.example` } });
    await prisma.$disconnect();
  }
});
