// An attacker's review (a viewer's key): a header value saved with spaces around it is stored trimmed,
// whichever door saves it; a URL written scheme-relative ("//bob:pw@host", "//x.io/cb?api_key=…") or
// nested in a query value with its own "=" percent-encoded ("?cb=https://x.io/?token%3D…") is a URL,
// its credentials masked for a viewer and kept out of a saved template, as "https://…" forms are.
import { expect, it } from "vitest";
import { db } from "@/lib/db";
import { decryptSecret } from "@/lib/crypto/secret-box";
import { apiRequestsAs, routeParams } from "@/lib/api/testing";
import { POST as createCampaign } from "./route";
import { GET as getCampaign } from "./[id]/route";
import { POST as saveTemplate } from "../templates/route";

const as = apiRequestsAs("admin", "editor", "viewer");

it("a header value saved with spaces around it is stored without them (secret or not)", async () => {
  const created = await createCampaign(
    as.admin("POST", "/campaigns", {
      name: "Spaces",
      actions: [{ name: "CRM", url: "https://api.example.com/hook", headers: [{ name: "X-Api-Key", value: "trailsecret456 ", secret: true }, { name: "X-Tag", value: "  v1 " }] }],
    }),
  );
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const action = await db().action.findFirstOrThrow({ where: { campaignId: id } });
  const headers = action.headers as { name: string; value: string; secret: boolean }[];
  expect(decryptSecret(headers[0]!.value)).toBe("trailsecret456");
  expect(headers[1]).toMatchObject({ name: "X-Tag", value: "v1" });
});

const webhook = {
  url: "https://api.example.com/hook?cb=https://x.io/?token%3Dtk_dbl_888&page=2",
  fields: [
    { key: "rel", value: "//bob:pw_rel_8@example.com/x" },
    { key: "blob", type: "json", value: '{"cb2":"//x.io/cb?api_key=tk_rel_json9"}' },
    { key: "docs", value: "see //example.com/docs and a/b//c" },
  ],
};
const SECRETS = ["tk_dbl_888", "pw_rel_8", "tk_rel_json9"];

it("a viewer reads scheme-relative and nested-encoded URL credentials masked", async () => {
  const created = await createCampaign(as.admin("POST", "/campaigns", { name: "Relative", actions: [{ name: "CRM", ...webhook }] }));
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const text = await (await getCampaign(as.viewer("GET", `/campaigns/${id}`), routeParams(id))).text();
  for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
  const action = (JSON.parse(text) as { actions: { url: string; fields: { key: string; value: string }[] }[] }).actions[0]!;
  expect(Object.fromEntries(action.fields.map((f) => [f.key, f.value]))).toMatchObject({ rel: "//bob:••••@example.com/x", docs: "see //example.com/docs and a/b//c" });
  // an editor sees them as typed
  const asEditor = await (await getCampaign(as.editor("GET", `/campaigns/${id}`), routeParams(id))).text();
  for (const secret of SECRETS) expect(asEditor, secret).toContain(secret);
});

it("a template keeps none of them", async () => {
  const saved = await saveTemplate(as.editor("POST", "/templates", { name: "Relative", webhook }));
  expect(saved.status).toBe(201);
  const stored = JSON.stringify(await db().destinationTemplate.findMany());
  for (const secret of SECRETS) expect(stored, secret).not.toContain(secret);
});

it("a percent-encoded URL in a query value is still read when the value holds a \"//\" elsewhere", async () => {
  const { maskCredentialUrl } = await import("@/lib/webhooks/credential-parts");
  const encoded = encodeURIComponent("https://bob:pw_enc_77@x.io/a");
  expect(maskCredentialUrl(`https://api.example.com/h?cb=${encoded}//y`)).not.toContain("pw_enc_77");
});

it("a scheme-relative URL as a query or form value is masked where the request is shown", async () => {
  const { maskCredentialUrl, maskSecretFormBody } = await import("@/lib/webhooks/credential-parts");
  expect(maskCredentialUrl("https://a.example.com/h?cb=//bob:pw_rel_q9@x.io/y")).toBe("https://a.example.com/h?cb=//bob:••••@x.io/y");
  expect(maskSecretFormBody("cb=//bob:pw_rel_q9@x.io/y&a=1")).toBe("cb=//bob:••••@x.io/y&a=1");
});
