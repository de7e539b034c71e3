"use client";
// Which template inputs are mid-expression: their `{{` suggestions are open, so "`{{` is not closed"
// there is the user still typing, not a mistake. That field and the preview's lines about it hold such
// errors back until the suggestions close (a pick that closes the expression, Escape, leaving the
// field); every other field's errors show as usual. A save attempt leaves the field first, so it
// always shows them.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

type Drafting = {
  /** the inputs (by element id) whose suggestions are open */
  ids: ReadonlySet<string>;
  /** their form paths ("url", "fields.2.value"), as the preview's errors name fields */
  paths: ReadonlySet<string>;
  report: (id: string, open: boolean, path?: string) => void;
};

const TemplateDrafting = createContext<Drafting | null>(null);

export function TemplateDraftingScope({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState<ReadonlyMap<string, string | undefined>>(() => new Map());
  const report = useCallback(
    (id: string, isOpen: boolean, path?: string) =>
      setOpen((was) => {
        if (isOpen ? was.has(id) && was.get(id) === path : !was.has(id)) return was;
        const next = new Map(was);
        if (isOpen) next.set(id, path);
        else next.delete(id);
        return next;
      }),
    [],
  );
  const value = useMemo(() => {
    const paths = new Set([...open.values()].filter((p): p is string => p !== undefined));
    return { ids: new Set(open.keys()), paths, report };
  }, [open, report]);
  return <TemplateDrafting.Provider value={value}>{children}</TemplateDrafting.Provider>;
}

/** The inputs mid-expression and how an input says it is; null outside a scope. */
export function useTemplateDrafting(): Drafting | null {
  return useContext(TemplateDrafting);
}

/** "fields[2].value" (a preview error's field) as the form writes it: "fields.2.value". */
export function formPath(field: string): string {
  return field.replace(/\[(\d+)\]/g, ".$1");
}
