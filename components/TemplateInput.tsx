"use client";
// A one-line template input with the `{{` autocomplete: a combobox whose listbox offers the
// variables and helpers that fit the word at the caret (lib/templating/autocomplete.ts).
import { useEffect, useId, useLayoutEffect, useRef, useState, type InputHTMLAttributes, type KeyboardEvent } from "react";
import { applySuggestion, completionAt, matchingSuggestions, type Completion } from "@/lib/templating/autocomplete";
import type { TemplateSuggestion } from "@/lib/templating/suggestions";
import { useTemplateDrafting } from "./template-drafting";
import { useTemplateSuggestions } from "./useTemplateSuggestions";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "role"> & {
  value: string;
  onChange: (value: string) => void;
  /** the field's form path ("url", "fields.2.value"): while its suggestions are open, the preview holds back its errors only */
  formPath?: string;
};

export function TemplateInput({ value, onChange, onFocus, onBlur, onKeyDown, formPath, ...inputProps }: Props) {
  const listId = `${useId()}-suggestions`;
  const input = useRef<HTMLInputElement>(null);
  const caretAfterChange = useRef<number | null>(null);
  const [wanted, setWanted] = useState(false);
  const [completion, setCompletion] = useState<Completion | null>(null);
  const [active, setActive] = useState(0);
  // a value wider than the input is shown whole below it while the input has the focus
  const [whole, setWhole] = useState(false);
  const measure = () => setWhole(!!input.current && input.current === document.activeElement && input.current.scrollWidth > input.current.clientWidth);
  const { data: suggestions = [] } = useTemplateSuggestions(wanted);
  const matches = completion ? matchingSuggestions(suggestions, completion) : [];
  const open = matches.length > 0;
  const activeIndex = Math.min(active, matches.length - 1);
  const optionId = (i: number) => `${listId}-${i}`;
  // while the suggestions are open the user is mid-expression: its errors wait (template-drafting.tsx)
  const report = useTemplateDrafting()?.report;
  const inputId = inputProps.id;
  useEffect(() => {
    if (!report || !inputId) return;
    report(inputId, open, formPath);
    return () => report(inputId, false);
  }, [report, inputId, open, formPath]);

  // After a pick, the caret goes where applySuggestion says once React has written the new value.
  useLayoutEffect(() => {
    measure();
    const caret = caretAfterChange.current;
    if (caret === null || !input.current) return;
    caretAfterChange.current = null;
    input.current.setSelectionRange(caret, caret);
  }, [value]);

  useEffect(() => {
    if (open) document.getElementById(optionId(activeIndex))?.scrollIntoView({ block: "nearest" });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- optionId only depends on listId
  }, [open, activeIndex]);

  function follow(text: string, caret: number | null) {
    setCompletion(caret === null ? null : completionAt(text, caret));
    setActive(0);
  }

  function pick(suggestion: TemplateSuggestion) {
    if (!completion) return;
    const next = applySuggestion(value, completion, suggestion);
    caretAfterChange.current = next.caret;
    onChange(next.text);
    follow(next.text, next.caret);
  }

  function keyDown(e: KeyboardEvent<HTMLInputElement>) {
    onKeyDown?.(e);
    if (!open || e.defaultPrevented) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((activeIndex + step + matches.length) % matches.length);
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      pick(matches[activeIndex]!);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      setCompletion(null);
    }
  }

  return (
    <div className="relative">
      <input
        {...inputProps}
        // where a save's problem list leads (lead-to-problem.ts focusFieldAt)
        data-field={formPath}
        ref={input}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? optionId(activeIndex) : undefined}
        autoComplete="off"
        spellCheck={false}
        value={value}
        onFocus={(e) => {
          setWanted(true);
          measure();
          onFocus?.(e);
        }}
        onBlur={(e) => {
          setCompletion(null);
          setWhole(false);
          onBlur?.(e);
        }}
        onChange={(e) => {
          onChange(e.target.value);
          follow(e.target.value, e.target.selectionStart);
        }}
        // the caret moved without typing (arrows, click): the open list follows it
        onSelect={(e) => completion && follow(e.currentTarget.value, e.currentTarget.selectionStart)}
        onKeyDown={keyDown}
      />
      {whole && !open && (
        <p role="note" aria-label="Whole value" className="pointer-events-none absolute inset-x-0 top-full z-20 mt-1 rounded-lg border border-slate-200 bg-white px-3 py-2 font-mono text-[13px] break-all whitespace-pre-wrap text-slate-800 shadow-lg">
          {value}
        </p>
      )}
      {open && (
        <ul
          id={listId}
          role="listbox"
          aria-label="Template suggestions"
          className="absolute inset-x-0 top-full z-20 mt-1 max-h-64 overflow-y-auto rounded-lg border border-slate-200 bg-white py-1 shadow-lg"
        >
          {matches.map((s, i) => (
            <li
              key={`${s.kind}:${s.name}`}
              id={optionId(i)}
              role="option"
              aria-selected={i === activeIndex}
              // named by the variable or helper alone; what it holds is its description
              aria-labelledby={`${optionId(i)}-name`}
              aria-describedby={s.detail ? `${optionId(i)}-detail` : undefined}
              className={`flex cursor-pointer items-baseline justify-between gap-3 px-3 py-1.5 ${i === activeIndex ? "bg-indigo-50 text-indigo-900" : "text-slate-800"}`}
              // keep the focus in the input, so the pick lands where the caret is
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(i)}
              onClick={() => pick(s)}
            >
              <span id={`${optionId(i)}-name`} className="shrink-0 font-mono text-[13px]">
                {s.name}
              </span>
              {s.detail && (
                <span id={`${optionId(i)}-detail`} className="min-w-0 truncate text-xs text-slate-500">
                  {s.detail}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
