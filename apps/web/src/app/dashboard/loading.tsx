export default function DashboardLoading() {
  return (
    <p role="status" className="p-8 text-sm text-muted-foreground">
      Opening your organization…
    </p>
  );
}
