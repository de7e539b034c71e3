// A user's secret-looking attributes (accessToken, password, an apiKey inside an object: the
// looksSecretName rule) are read masked by a viewer, on the user's page and through the API alike
// (one read, getUser / listUsers, given the reader's role); an editor or admin, who manages users,
// reads them as stored.
import { beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiRequestsAs } from "@/lib/api/testing";
import { getUser, listUsers } from "@/lib/audience/users";
import { GET as list } from "./route";
import { GET as getOne } from "./[userId]/route";

const as = apiRequestsAs("admin", "editor", "viewer");
const userParams = { params: Promise.resolve({ userId: "secret-attr-user" }) };
const attributes = { accessToken: "at_secret_attr_1", password: "pw_secret_attr_2", crm: { apiKey: "ak_secret_attr_3", id: "cus_9" }, pin: 4321, plan: "pro", emptyToken: "" };
const SECRETS = ["at_secret_attr_1", "pw_secret_attr_2", "ak_secret_attr_3", "4321"];

beforeAll(async () => {
  await db().user.create({ data: { id: "secret-attr-user", attributes } });
});

it("a viewer's key reads them masked, one user and a page of users", async () => {
  const one = await (await getOne(as.viewer("GET", "/users/secret-attr-user"), userParams)).json();
  expect(one.attributes).toEqual({ accessToken: "••••", password: "••••", crm: { apiKey: "••••", id: "cus_9" }, pin: "••••", plan: "pro", emptyToken: "" });
  const page = await (await list(as.viewer("GET", "/users?limit=10"))).text();
  for (const secret of SECRETS) expect(page, secret).not.toContain(secret);
  expect(page).toContain("cus_9");
});

it("an editor or admin reads them as stored", async () => {
  for (const role of ["editor", "admin"] as const) {
    const one = await (await getOne(as[role]("GET", "/users/secret-attr-user"), userParams)).json();
    expect(one.attributes, role).toEqual(attributes);
  }
});

it("the page's read (getUser) masks them for a viewer, as the API's", async () => {
  expect((await getUser("secret-attr-user", "viewer"))!.attributes.password).toBe("••••");
  expect((await getUser("secret-attr-user", "editor"))!.attributes.password).toBe("pw_secret_attr_2");
});

it("on the Users page (listUsers), a viewer's filter by a secret-looking attribute's value tests no guess: it keeps those who hold it", async () => {
  await db().user.create({ data: { id: "secret-attr-other", attributes: { pin: 1111 } } });
  for (const guess of ["4321", "9999"]) {
    const page = await listUsers({ attribute: "pin", value: guess }, "viewer");
    expect(page.users.map((u) => u.userId).sort(), guess).toEqual(["secret-attr-other", "secret-attr-user"]);
  }
  expect((await listUsers({ attribute: "pin", value: "4321" }, "editor")).users.map((u) => u.userId)).toEqual(["secret-attr-user"]);
  expect((await listUsers({ attribute: "plan", value: "pro" }, "viewer")).users.map((u) => u.userId)).toEqual(["secret-attr-user"]);
});
