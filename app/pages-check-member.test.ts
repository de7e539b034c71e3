// Every page that shows data checks the member itself, before it reads anything (app/member.ts
// pageMember): proxy.ts sees only that a session cookie is there, and Next renders a page beside its
// layout, so with a made-up cookie a page's reads reached the redirect's body (users and their emails,
// campaign drafts, settings). The pages anyone may open are those isPublicPath names, and the home
// page, which only redirects.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isPublicPath } from "@/lib/auth/gate";

const APP = path.join(process.cwd(), "app");

function pages(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return pages(full);
    return name === "page.tsx" ? [full] : [];
  });
}

/** The address of a page file: app/users/[userId]/page.tsx is /users/x. */
function addressOf(file: string): string {
  const dir = path.relative(APP, path.dirname(file));
  return "/" + dir.split(path.sep).filter(Boolean).map((s) => (s.startsWith("[") ? "x" : s)).join("/");
}

describe("pages check the member before they read", () => {
  const files = pages(APP);

  it("finds the app's pages", () => {
    expect(files.length).toBeGreaterThan(8);
  });

  for (const file of files) {
    const address = addressOf(file);
    if (address === "/" || isPublicPath(address)) continue;
    it(`${address} is made with definePage, and its metadata checks the member first`, () => {
      const source = readFileSync(file, "utf8");
      expect(source).toMatch(/export default definePage\("(viewer|editor|admin)", /);
      const metadata = source.indexOf("export async function generateMetadata");
      if (metadata >= 0) {
        const body = source.slice(metadata, source.indexOf("\n}\n", metadata));
        // its first statement (the member kept when the metadata reads by role, as /campaigns/[id] does)
        expect(body.split("\n")[1]?.trim()).toMatch(/^(const member = )?await pageMember\("viewer"\);$/);
      }
    });
  }

  it("the home page only redirects", () => {
    const source = readFileSync(path.join(APP, "page.tsx"), "utf8");
    expect(source).not.toMatch(/from "@\/lib\//);
  });
});
