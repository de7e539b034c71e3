// What every figure gets and gives back.
import type { BenchOptions } from "../args";
import type { Receiver } from "../receiver/control";
import type { Row } from "../report";

export type FigureContext = {
  options: BenchOptions;
  receiver: Receiver;
  /** figure 1's POSTs per second, the denominator of every delivery ratio (0 when not measured) */
  rawLimit: number;
  progress: (message: string) => void;
};

export type FigureResult = { rows: Omit<Row, "figure">[]; json: Record<string, unknown> };

export function ratioToRaw(ctx: FigureContext, perSecond: number) {
  return ctx.rawLimit > 0 ? Math.round((perSecond / ctx.rawLimit) * 1000) / 1000 : null;
}
