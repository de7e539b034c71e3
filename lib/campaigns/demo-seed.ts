// A first start on an empty database gets three sample users and one draft campaign, so no
// screen is blank and the preview has someone to render for.
import { db } from "../db";
import { isUniqueViolation } from "../db/unique-violation";

export const demoUsers = [
  { id: "user-1001", email: "mary@example.com", timezone: "Europe/Paris", attributes: { firstName: "Mary", city: "Paris", plan: "pro" } },
  { id: "user-1002", email: "joao@example.com", timezone: "America/Sao_Paulo", attributes: { firstName: "João", city: "São Paulo/Centro", plan: "free" } },
  { id: "user-1003", email: "aiko@example.com", timezone: "Asia/Tokyo", attributes: { firstName: "Aiko", city: "Tokyo", plan: "team" } },
];

export async function seedDemoIfEmpty(): Promise<boolean> {
  const prisma = db();
  const seeded = await prisma.setting.findUnique({ where: { key: "demoSeeded" } });
  if (seeded) return false;
  const [users, campaigns] = await Promise.all([prisma.user.count(), prisma.campaign.count()]);
  try {
    await seed(users, campaigns);
  } catch (err) {
    // Several web processes starting at once on an empty database: the first one's claim
    // (the setting row, written first) or its users make the others' inserts conflict. Seeded.
    if (isUniqueViolation(err)) return false;
    throw err;
  }
  return true;
}

async function seed(users: number, campaigns: number) {
  await db().$transaction(async (tx) => {
    await tx.setting.create({ data: { key: "demoSeeded", value: new Date().toISOString() } });
    if (users === 0) await tx.user.createMany({ data: demoUsers });
    if (campaigns === 0) {
      await tx.campaign.create({
        data: {
          name: "Welcome to Hookline (demo)",
          description: "Posts each new user to a CRM. Edit the URL to point at your own receiver.",
          deliveryRule: { when: "immediate" },
          actions: {
            create: {
              name: "Notify CRM",
              urlTemplate: "https://crm.example.com/contacts/{{user.id}}/notify?city={{user.city}}",
              fields: [
                { key: "email", value: "{{user.email}}", type: "text" },
                { key: "first_name", value: '{{default user.firstName "there"}}', type: "text" },
                { key: "plan", value: "{{user.plan}}", type: "text" },
              ],
              headers: [],
            },
          },
        },
      });
    }
  });
}
