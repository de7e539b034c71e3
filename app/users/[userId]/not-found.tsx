import Link from "next/link";

/** /users/<id> of no user (deleted, or a mistyped link): back to where users are found, not to campaigns. */
export default function UserNotFound() {
  return (
    <div className="py-16 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-600">No user has that id; it may have been deleted.</p>
      <Link href="/users" className="mt-4 inline-block text-indigo-700 underline">
        Back to users
      </Link>
    </div>
  );
}
