import { ButtonLink } from "./ui/Button";

export function EmptyCampaigns({ canCreate }: { canCreate: boolean }) {
  return (
    <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-14 text-center">
      <h2 className="text-base font-semibold text-slate-900">No campaigns yet</h2>
      <p className="mx-auto mt-1 max-w-md text-sm text-slate-600">
        A campaign sends each user of its audience a personalised HTTP request.{" "}
        {canCreate ? "Start one and watch the request take shape as you type." : "An editor or an admin creates them; you will see them here."}
      </p>
      {canCreate && (
        <ButtonLink href="/campaigns/new" variant="primary" className="mt-5">
          Create your first campaign
        </ButtonLink>
      )}
    </div>
  );
}
