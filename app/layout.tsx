import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";
import { Providers } from "@/components/Providers";
import { AppNav } from "@/components/AppNav";
import { MemberRoleProvider } from "@/components/auth/MemberRole";
import { roleForUi } from "@/app/member";

export const metadata: Metadata = {
  title: "Hookline",
  description: "Webhook campaigns: personalised, previewed, signed, never lost.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const role = await roleForUi();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>
          <MemberRoleProvider role={role}>
            <AppNav />
            <main className="mx-auto w-full max-w-7xl px-4 py-6 sm:px-6">{children}</main>
          </MemberRoleProvider>
        </Providers>
      </body>
    </html>
  );
}
