// A next send in words (lib/delivery/core/next-send-words.ts), its instants shown in the reader's zone:
// the Delivery section's note and the campaign list say the same.
import { Fragment } from "react";
import { DateTime } from "../ui/DateTime";
import { nextSendWords } from "@/lib/delivery/core/next-send-words";
import type { NextSendView } from "./delivery-form-state";

export function NextSendText({ next }: { next: NextSendView }) {
  return (
    <>
      {nextSendWords(next).map((part, i) => (
        <Fragment key={i}>{typeof part === "string" ? part : <DateTime value={part.instant} />}</Fragment>
      ))}
    </>
  );
}
