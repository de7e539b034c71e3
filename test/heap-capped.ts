// Runs one whole-audience read in a Node.js process whose heap is capped (HEAP_CAP_MB), on the test
// file's database (its settings come in the environment): whether a read stays within a server's
// memory is seen as whether this process survives it.
// Usage: tsx test/heap-capped.ts count | catalogue | activate <campaignId> | track <event> <userId>...
import { attributeCatalogue } from "@/lib/audience/attribute-catalogue";
import { countMatchingUsers } from "@/lib/audience/count";
import { activateCampaign } from "@/lib/delivery/store/lifecycle";
import { trackEvents } from "@/lib/delivery/triggers";

const reads: Record<string, () => Promise<unknown>> = {
  count: () => countMatchingUsers({ match: "all", conditions: [{ key: "plan", operator: "exists" }] }, "admin"),
  catalogue: async () => (await attributeCatalogue()).length,
  activate: async () => {
    const result = await activateCampaign(process.argv[3] ?? "");
    return result.ok ? result.counts.scheduled : result.problems;
  },
  track: async () => {
    const [event = "", ...userIds] = process.argv.slice(3);
    return (await trackEvents(userIds.map((userId) => ({ userId, event })))).scheduled;
  },
};

const read = reads[process.argv[2] ?? ""];
if (!read) throw new Error(`Name one of ${Object.keys(reads).join(", ")}`);
read().then(
  (result) => {
    process.stdout.write(JSON.stringify(result));
    process.exit(0);
  },
  (err) => {
    process.stderr.write(String(err));
    process.exit(1);
  },
);
