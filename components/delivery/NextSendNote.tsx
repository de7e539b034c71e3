// An active scheduled or recurring campaign's next send, in the Delivery section: a campaign activated
// after its users' time today plans nothing until the next run, and said nothing of it.
import { NextSendText } from "./NextSendText";
import type { NextSendView } from "./delivery-form-state";

export function NextSendNote({ next }: { next: NextSendView }) {
  return (
    <p role="note" className="rounded-lg bg-indigo-50 px-3 py-2 text-sm text-indigo-900">
      {"Next send: "}
      <NextSendText next={next} />.
    </p>
  );
}
