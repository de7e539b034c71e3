// Campaigns and users for engine tests, written straight to the (real) test database.
import { db } from "../../db";
import type { Prisma } from "../../db";

export async function createUsers(count: number, prefix = "u") {
  const data = Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${String(i).padStart(6, "0")}`,
    email: `${prefix}${i}@example.com`,
    timezone: "UTC",
    attributes: { firstName: `Name${i}`, n: i },
  }));
  for (let i = 0; i < data.length; i += 2000) await db().user.createMany({ data: data.slice(i, i + 2000) });
  return data;
}

export async function createCampaign(options: {
  url: string;
  rule?: object;
  audience?: object | null;
  fields?: { key: string; value: string; type: "text" | "number" | "boolean" | "json" }[];
  retryPolicy?: string;
  subDelivery?: object | null;
  status?: string;
  name?: string;
}) {
  return db().campaign.create({
    data: {
      name: options.name ?? "Test campaign",
      status: options.status ?? "draft",
      deliveryRule: (options.rule ?? { when: "immediate" }) as Prisma.InputJsonValue,
      audience: (options.audience ?? undefined) as Prisma.InputJsonValue | undefined,
      actions: {
        create: {
          name: "Hook",
          urlTemplate: options.url,
          fields: options.fields ?? [{ key: "name", value: "{{userAttribute.firstName}}", type: "text" }],
          headers: [],
          retryPolicy: options.retryPolicy ?? "default",
          subDelivery: (options.subDelivery ?? undefined) as Prisma.InputJsonValue | undefined,
          timeoutMs: 5000,
        },
      },
    },
    include: { actions: true },
  });
}
