"use server";
// The forms of visitors not signed in, and sign-out: each built with defineFormAction (zod first, one
// error mapper); success is a redirect.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { failed } from "@/lib/api/action-result";
import { auth } from "@/lib/auth/better-auth";
import { acceptInvite, createOwner, emailSchema, passwordSchema } from "@/lib/auth/members";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { defineFormAction } from "@/app/define-action";

const text = z.string().default("");
const newPassword = text.pipe(passwordSchema);

export const signInAction = defineFormAction({ name: "Signing in", schema: z.object({ email: text, password: text }) }, async ({ email, password }) => {
  const result = await signInWithPassword({ email, password }, await headers());
  if (!result.ok) return failed(result.message);
  redirect("/campaigns");
});

export const createOwnerAction = defineFormAction(
  { name: "Creating the owner", schema: z.object({ email: text.transform((e) => e.trim()).pipe(emailSchema), password: newPassword, name: text }) },
  async ({ email, password, name }) => {
    await createOwner({ email, password, name });
    await signInWithPassword({ email, password }, await headers());
    redirect("/campaigns");
  },
);

export const acceptInviteAction = defineFormAction({ name: "Joining", schema: z.object({ token: text, password: newPassword, name: text }) }, async ({ token, password, name }) => {
  const { email } = await acceptInvite(token, { name, password });
  await signInWithPassword({ email, password }, await headers());
  redirect("/campaigns");
});

export const signOutAction = defineFormAction({ name: "Signing out", schema: z.object({}) }, async () => {
  await auth().api.signOut({ headers: await headers() }).catch(() => undefined);
  redirect("/sign-in");
});
