import { NotAvailable } from "../report";
import type { FigureContext, FigureResult } from "./context";

export async function figureScaleOut(_ctx: FigureContext): Promise<FigureResult> {
  throw new NotAvailable("the BullMQ engine and worker/index.ts have not landed");
}
