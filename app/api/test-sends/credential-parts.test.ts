// The test-send history shows a webhook's URL and body credential parts masked (credential-parts.ts),
// to a viewer too: a send stored before they were masked as well, its curl included.
import { expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCampaign } from "@/lib/delivery/testing/fixtures";
import { memberCookies } from "@/test/sessions";
import { GET as listTests } from "./route";

it("a send stored in clear shows the hook path, ?token= and a secret form value masked", async () => {
  const cookies = await memberCookies();
  const campaign = await createCampaign({ url: "https://hooks.slack.com/services/T000/B000/TSSLACKSECRET" });
  const actionId = campaign.actions[0]!.id;
  await db().testSend.create({
    data: {
      actionId, campaignId: campaign.id, outcome: "delivered", status: 200,
      request: { method: "POST", url: "https://hooks.slack.com/services/T000/B000/TSSLACKSECRET?token=tstoken99", headers: [["Content-Type", "application/x-www-form-urlencoded;charset=UTF-8"]], body: "text=hi&client_secret=tsformsecret", userId: null },
    },
  });
  const res = await listTests(new Request(`http://127.0.0.1/api/test-sends?actionId=${actionId}`, { headers: { cookie: cookies.viewer } }));
  expect(res.status).toBe(200);
  const history = await res.text();
  for (const secret of ["TSSLACKSECRET", "tstoken99", "tsformsecret"]) expect(history).not.toContain(secret);
  expect(history).toContain("https://hooks.slack.com/services/••••?token=••••");
  expect(history).toContain("text=hi&client_secret=••••");
});
