// Class names of text inputs and selects. A plain module (not "use client"), so server components
// get the strings themselves: imported from a client module they arrive as client references.
// A disabled one looks it (grey, no white box): a live campaign's locked "Event name" read as editable.
// (Checkboxes and radios: app/globals.css greys the label around a disabled one.)
export const inputClass =
  "block w-full min-w-0 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-xs placeholder:text-slate-400 focus:border-indigo-500 focus:outline-2 focus:outline-indigo-500/30 aria-invalid:border-red-400 aria-invalid:focus:outline-red-500/30 disabled:cursor-not-allowed disabled:border-slate-200 disabled:bg-slate-100 disabled:text-slate-500 disabled:shadow-none";
export const monoInputClass = `${inputClass} font-mono text-[13px]`;
