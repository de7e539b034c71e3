"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { NewRowsScope } from "./new-rows";
import { TemplateDraftingScope } from "./template-drafting";

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false, retry: 1 } } }));
  return (
    <QueryClientProvider client={client}>
      <TemplateDraftingScope>
        <NewRowsScope>{children}</NewRowsScope>
      </TemplateDraftingScope>
    </QueryClientProvider>
  );
}
