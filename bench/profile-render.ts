// npx tsx --cpu-prof bench/profile-render.ts: the figure-5 workload alone, for a CPU profile.
import { appRender } from "./requests";
import { contextFor, typicalTemplate } from "./workload";

const template = typicalTemplate(8080);
const contexts = Array.from({ length: 1000 }, (_, i) => contextFor(i));
const until = performance.now() + Number(process.argv[2] ?? 5000);
let n = 0;
while (performance.now() < until) for (let k = 0; k < 100; k++, n++) appRender(template, contexts[n % 1000], `msg_${n}`);
console.log(`${Math.round(n / 5)} renders/s`);
