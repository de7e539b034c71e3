"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { auth } from "@/lib/auth/better-auth";
import { acceptInvite, createOwner, emailSchema, MemberError, passwordSchema } from "@/lib/auth/members";
import { signInWithPassword, type SignInResult } from "@/lib/auth/sign-in";

export type FormState = { message: string | null; fieldErrors?: Record<string, string> };

async function signIn(email: string, password: string): Promise<SignInResult> {
  return signInWithPassword({ email, password }, await headers());
}

/** A refusal from lib/auth/members.ts, shown at its field when it names one (the name). */
function memberErrorState(err: MemberError): FormState {
  return err.field ? { message: err.message, fieldErrors: { [err.field]: err.message } } : { message: err.message };
}

function text(form: FormData, name: string) {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
}

export async function signInAction(_: FormState, form: FormData): Promise<FormState> {
  const result = await signIn(text(form, "email"), text(form, "password"));
  if (!result.ok) return { message: result.message };
  redirect("/campaigns");
}

export async function createOwnerAction(_: FormState, form: FormData): Promise<FormState> {
  const email = emailSchema.safeParse(text(form, "email").trim());
  const password = passwordSchema.safeParse(text(form, "password"));
  const fieldErrors: Record<string, string> = {};
  if (!email.success) fieldErrors.email = email.error.issues[0]!.message;
  if (!password.success) fieldErrors.password = password.error.issues[0]!.message;
  if (Object.keys(fieldErrors).length) return { message: "Fix the highlighted fields.", fieldErrors };
  try {
    await createOwner({ email: email.data!, password: password.data!, name: text(form, "name") });
  } catch (err) {
    if (err instanceof MemberError) return memberErrorState(err);
    throw err;
  }
  await signIn(email.data!, password.data!);
  redirect("/campaigns");
}

export async function acceptInviteAction(_: FormState, form: FormData): Promise<FormState> {
  const password = passwordSchema.safeParse(text(form, "password"));
  if (!password.success) return { message: "Fix the highlighted field.", fieldErrors: { password: password.error.issues[0]!.message } };
  let email: string;
  try {
    email = (await acceptInvite(text(form, "token"), { name: text(form, "name"), password: password.data })).email;
  } catch (err) {
    if (err instanceof MemberError) return memberErrorState(err);
    throw err;
  }
  await signIn(email, password.data);
  redirect("/campaigns");
}

export async function signOutAction() {
  await auth().api.signOut({ headers: await headers() }).catch(() => undefined);
  redirect("/sign-in");
}
