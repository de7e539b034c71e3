import { acceptInviteAction } from "@/app/sign-in/actions";
import { CredentialsForm } from "@/components/auth/CredentialsForm";
import { findInvite } from "@/lib/auth/members";

export const dynamic = "force-dynamic";
export const metadata = { title: "Join Hookline" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = await findInvite(token);
  return (
    <div className="mx-auto max-w-sm space-y-6 py-10">
      <h1 className="text-2xl font-semibold text-slate-900">Join Hookline</h1>
      {invite ? (
        <>
          <p className="text-sm text-slate-600">You are invited as {invite.role}. Choose a password to finish.</p>
          <CredentialsForm action={acceptInviteAction} submitLabel="Join" askName fixedEmail={invite.email} token={token} newPassword />
        </>
      ) : (
        <p role="alert" className="text-sm text-red-700">
          This invitation link is invalid, used or expired; ask an admin for a new one.
        </p>
      )}
    </div>
  );
}
