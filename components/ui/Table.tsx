import type { TableHTMLAttributes } from "react";

/**
 * A table that scrolls sideways on its own when it is wider than the screen (a phone at 390 px), so the
 * page around it does not. Props go to the <table>; its className replaces the default look.
 */
export function Table({ className = "w-full text-left text-sm", ...props }: TableHTMLAttributes<HTMLTableElement>) {
  return (
    <div className="max-w-full overflow-x-auto">
      <table className={className} {...props} />
    </div>
  );
}
