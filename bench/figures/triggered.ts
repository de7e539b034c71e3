import { NotAvailable } from "../report";
import type { FigureContext, FigureResult } from "./context";

export async function figureTriggered(_ctx: FigureContext): Promise<FigureResult> {
  throw new NotAvailable("POST /api/v1/events has not landed");
}
