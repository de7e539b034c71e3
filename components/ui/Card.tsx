import type { ReactNode } from "react";

/** A white panel with an optional header row (title, description, actions). */
export function Card({
  title,
  description,
  actions,
  children,
  className = "",
  labelledBy,
  as: Tag = "section",
  ...rest
}: {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  labelledBy?: string;
  as?: "section" | "div";
  "aria-label"?: string;
}) {
  return (
    <Tag className={`min-w-0 rounded-xl border border-slate-200 bg-white shadow-sm ${className}`} aria-labelledby={labelledBy} {...rest}>
      {(title || actions) && (
        <div className="flex flex-wrap items-start justify-between gap-3 border-b border-slate-100 px-4 py-3 sm:px-5">
          <div className="min-w-0">
            {title && (
              <h2 id={labelledBy} className="text-base font-semibold text-slate-900">
                {title}
              </h2>
            )}
            {description && <p className="mt-0.5 text-sm text-slate-500">{description}</p>}
          </div>
          {actions && <div className="flex shrink-0 flex-wrap items-center gap-2">{actions}</div>}
        </div>
      )}
      <div className="px-4 py-4 sm:px-5">{children}</div>
    </Tag>
  );
}
