export default function DashboardLoading() {
  return (
    <p role="status" className="p-8 text-sm text-zinc-500">
      Opening your organization…
    </p>
  );
}
