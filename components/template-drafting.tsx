"use client";
// Which template inputs are mid-expression: their `{{` suggestions are open, so "`{{` is not closed"
// there is the user still typing, not a mistake. Fields and the preview hold such errors back until the
// suggestions close (a pick that closes the expression, Escape, leaving the field); a save attempt
// leaves the field first, so it always shows them.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

type Drafting = { ids: ReadonlySet<string>; report: (id: string, open: boolean) => void };

const TemplateDrafting = createContext<Drafting | null>(null);

export function TemplateDraftingScope({ children }: { children: ReactNode }) {
  const [ids, setIds] = useState<ReadonlySet<string>>(() => new Set());
  const report = useCallback(
    (id: string, open: boolean) =>
      setIds((was) => {
        if (was.has(id) === open) return was;
        const next = new Set(was);
        if (open) next.add(id);
        else next.delete(id);
        return next;
      }),
    [],
  );
  const value = useMemo(() => ({ ids, report }), [ids, report]);
  return <TemplateDrafting.Provider value={value}>{children}</TemplateDrafting.Provider>;
}

/** The inputs (by id) mid-expression and how an input says it is; null outside a scope. */
export function useTemplateDrafting(): Drafting | null {
  return useContext(TemplateDrafting);
}
