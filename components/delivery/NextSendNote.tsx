// An active scheduled or recurring campaign's next send, in the Delivery section: a campaign activated
// after its users' time today plans nothing until the next run, and said nothing of it.
import { DateTime } from "../ui/DateTime";
import { userZoneSendWords } from "@/lib/delivery/core/next-send-words";
import type { NextSendView } from "./delivery-form-state";

export function NextSendNote({ next }: { next: NextSendView }) {
  return (
    <p role="note" className="rounded-lg bg-indigo-50 px-3 py-2 text-sm text-indigo-900">
      {next.local && !next.exact ? (
        `Next send: ${userZoneSendWords(next.local)}.`
      ) : next.local ? (
        <>
          {`Next send: ${userZoneSendWords(next.local)} (first users at `}
          <DateTime value={next.iso} />
          {")."}
        </>
      ) : (
        <>
          {"Next send: "}
          <DateTime value={next.iso} />.
        </>
      )}
    </p>
  );
}
