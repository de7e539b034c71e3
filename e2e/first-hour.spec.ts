// A marketer's first hour, walked in a browser (2026-12-06): what read wrong, pinned here.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "./fixtures";

test("a campaign never sent says its log is empty because nothing was sent yet, not that nothing matches", async ({ page }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(`Empty log ${Date.now()}`);
  await page.getByLabel("URL", { exact: true }).fill("https://crm.example.com/hook/{{user.id}}");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const log = page.getByRole("region", { name: "Delivery log" });
  const table = log.getByRole("table", { name: "Deliveries" });
  await expect(table).toContainText("No deliveries yet: each webhook this campaign sends shows here, with its result.");
  await log.getByLabel("User").fill("nobody-at-all");
  await expect(table).toContainText("No deliveries match these filters.");
});

test("a CSV import of one row says '1 row imported (1 new user, …)'", async ({ page }) => {
  const dir = mkdtempSync(path.join(tmpdir(), "first-hour-"));
  const file = path.join(dir, "one.csv");
  const id = `one-row-${Date.now()}`;
  writeFileSync(file, `user_id,email\n${id},one@example.com\n,nobody@example.com\n`);
  await page.goto("/users");
  await page.getByRole("button", { name: "Import CSV" }).click();
  await page.getByLabel("CSV file").setInputFiles(file);
  // the row without a user id says before the import that it will be rejected, not only the report after
  await expect(page.getByRole("region", { name: "Import CSV" }).getByText("empty: this row will be rejected", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Start import" }).click();
  await expect(page.getByRole("region", { name: "Import report" })).toContainText("Import finished: 1 row imported (1 new user, 0 updated), 1 rejected.");
});

test("a date column with one odd value says it is kept as written, its ISO dates still dates, and what a date type would do with it", async ({ page }) => {
  const dir = mkdtempSync(path.join(tmpdir(), "first-hour-"));
  const file = path.join(dir, "dates.csv");
  writeFileSync(file, "user_id,joinedOn\nd1,2026-11-01\nd2,2026-11-02\nd3,03/11/2026\nd4,2026-11-04\n");
  await page.goto("/users");
  await page.getByRole("button", { name: "Import CSV" }).click();
  await page.getByLabel("CSV file").setInputFiles(file);
  const region = page.getByRole("region", { name: "Import CSV" });
  await expect(region.getByLabel("Type of column joinedOn")).toHaveValue("string");
  await expect(region).toContainText('3 of the first 4 values are ISO dates; "03/11/2026" is not. As text, each value is kept as written, and the ISO dates still count as dates (the attribute catalogue will list them as date). As date, it would be stored as 2026-03-11.');
  await region.getByLabel("Type of column joinedOn").selectOption("number");
  await expect(region).toContainText('4 of the first 4 values do not read as a number ("2026-11-01"): their rows will be refused. Choose string to keep them as written.');
});
