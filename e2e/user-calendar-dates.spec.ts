import { test, expect } from "./fixtures";

// A date without a time of day is a calendar date: the user page shows an imported 2026-01-15 as the
// file had it, not as the midnight-UTC instant it is stored as; a date with a time is shown as its
// instant in the user's time zone, the zone named.
test("a CSV date column shows on the user page as the date in the file; a date with a time as its instant", async ({ page }) => {
  const run = Date.now();
  const id = `cal-${run}`;
  await page.goto("/users");
  await page.getByRole("button", { name: "Import CSV" }).click();
  const csv = `id,signup_date,last_seen,timezone\n${id},2026-01-15,2026-01-15T10:30:00Z,America/Sao_Paulo\n`;
  await page.getByLabel("CSV file").setInputFiles({ name: "signups.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await expect(page.getByLabel("Import column id as")).toHaveValue("userId");
  await page.getByLabel("Import column timezone as").selectOption("timezone");
  await page.getByLabel("Type of column signup_date").selectOption("date");
  await page.getByLabel("Type of column last_seen").selectOption("date");
  await page.getByRole("button", { name: "Start import" }).click();
  await expect(page.getByRole("region", { name: "Import report" })).toContainText("1 row imported (1 new user, 0 updated), 0 rejected");

  await page.goto(`/users/${id}`);
  await expect(page.getByRole("heading", { name: id })).toBeVisible();
  await expect(page.getByText("No email · America/Sao_Paulo")).toBeVisible();
  const signup = page.getByRole("definition").filter({ has: page.getByText("2026-01-15", { exact: true }) });
  await expect(signup).toHaveCount(1);
  await expect(page.getByText("2026-01-15T00:00:00.000Z")).toHaveCount(0);
  await expect(page.getByText("2026-01-15T10:30:00.000Z")).toHaveCount(0);
  await expect(page.getByText("2026-01-15 07:30 (America/Sao_Paulo)", { exact: true })).toBeVisible();
});
