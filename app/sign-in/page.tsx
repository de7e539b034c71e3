import { redirect } from "next/navigation";
import { currentMember } from "@/app/member";
import { CredentialsForm } from "@/components/auth/CredentialsForm";
import { hasMembers } from "@/lib/auth/members";
import { createOwnerAction, signInAction } from "./actions";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in · Hookline" };

export default async function SignInPage() {
  if (await currentMember()) redirect("/campaigns");
  const firstRun = !(await hasMembers());
  return (
    <div className="mx-auto max-w-sm space-y-6 py-10">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">{firstRun ? "Create the owner account" : "Sign in"}</h1>
        <p className="mt-1 text-sm text-slate-600">
          {firstRun ? "This is a new Hookline install. The owner manages members, roles and API keys." : "Sign in to Hookline with your email and password."}
        </p>
      </div>
      {firstRun ? (
        <CredentialsForm action={createOwnerAction} submitLabel="Create owner account" askName newPassword />
      ) : (
        <CredentialsForm action={signInAction} submitLabel="Sign in" />
      )}
    </div>
  );
}
