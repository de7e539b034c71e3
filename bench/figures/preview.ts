import { NotAvailable } from "../report";
import type { FigureContext, FigureResult } from "./context";

export async function figurePreview(_ctx: FigureContext): Promise<FigureResult> {
  throw new NotAvailable("the preview route (app/api/.../preview) has not landed");
}
