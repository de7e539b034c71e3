"use client";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="py-16 text-center">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-slate-600">{error.digest ? `Reference ${error.digest}. ` : ""}Nothing you typed was saved by this error.</p>
      <button onClick={reset} className="mt-4 rounded-md bg-indigo-600 px-4 py-2 text-white">Try again</button>
    </div>
  );
}
