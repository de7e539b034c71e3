import { NotAvailable } from "../report";
import type { FigureContext, FigureResult } from "./context";

export async function figureEmbedded(_ctx: FigureContext): Promise<FigureResult> {
  throw new NotAvailable("the delivery engine (lib/delivery) has not landed");
}
