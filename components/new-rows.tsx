"use client";
// Rows just added with "+ Add field", "+ Add header" or "+ Add mapping": the new row's first input takes
// the focus (the row appears above the button, so the next Tab would skip it), and its empty cells are not
// yet mistakes. Until the focus leaves the row, the preview holds back the row's problems, as it holds back
// a `{{` being typed (template-drafting.tsx); the row's own fields hold theirs until left (ErrorRevealScope).
// Save is pressed outside the row, so a save attempt always sees them; once left, it is an ordinary row.
import { createContext, useCallback, useContext, useEffect, useId, useMemo, useRef, useState, type FocusEvent, type ReactNode } from "react";

type NewRows = {
  /** the form paths of the rows just added and not left yet ("fields.2") */
  rows: ReadonlySet<string>;
  report: (editor: string, row: string | null) => void;
};

const NewRowsContext = createContext<NewRows | null>(null);
const NONE: ReadonlySet<string> = new Set();

export function NewRowsScope({ children }: { children: ReactNode }) {
  const [held, setHeld] = useState<ReadonlyMap<string, string>>(() => new Map());
  const report = useCallback(
    (editor: string, row: string | null) =>
      setHeld((was) => {
        if (row ? was.get(editor) === row : !was.has(editor)) return was;
        const next = new Map(was);
        if (row) next.set(editor, row);
        else next.delete(editor);
        return next;
      }),
    [],
  );
  const value = useMemo(() => ({ rows: new Set(held.values()), report }), [held, report]);
  return <NewRowsContext.Provider value={value}>{children}</NewRowsContext.Provider>;
}

/** The rows just added and not left yet, by form path ("fields.2"); none outside a scope. */
export function useNewRows(): ReadonlySet<string> {
  return useContext(NewRowsContext)?.rows ?? NONE;
}

/** Whether a form path ("fields.2.key") is in one of `rows` ("fields.2"). */
export function inNewRow(path: string, rows: ReadonlySet<string>): boolean {
  for (const row of rows) if (path === row || path.startsWith(`${row}.`)) return true;
  return false;
}

/**
 * For a list editor (`list`: its form path, "fields"): `add(row)` appends a row and marks it new;
 * `focusIfNew(uid)` is the ref of the row's first input (focused once, when it appears); `onRowBlur(uid)`
 * goes on the row's element and ends "new" when the focus leaves the row.
 */
export function useNewRow<R extends { uid: string }>(list: string, rows: R[], onChange: (rows: R[]) => void) {
  const editor = useId();
  const [added, setAdded] = useState<string | null>(null);
  const toFocus = useRef<string | null>(null);
  const index = added ? rows.findIndex((r) => r.uid === added) : -1;
  const report = useContext(NewRowsContext)?.report;
  useEffect(() => report?.(editor, index >= 0 ? `${list}.${index}` : null), [report, editor, list, index]);
  useEffect(() => () => report?.(editor, null), [report, editor]);
  return {
    add(row: R) {
      toFocus.current = row.uid;
      setAdded(row.uid);
      onChange([...rows, row]);
    },
    focusIfNew: (uid: string) => (el: HTMLElement | null) => {
      if (el && toFocus.current === uid) {
        toFocus.current = null;
        el.focus();
      }
    },
    onRowBlur: (uid: string) => (e: FocusEvent<HTMLElement>) => {
      if (uid === added && !e.currentTarget.contains(e.relatedTarget as Node | null)) setAdded(null);
    },
  };
}
