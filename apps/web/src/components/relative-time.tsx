import { formatRelative } from "@/lib/relative-time";

const absolute = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** "3 hours ago", with the exact UTC time on hover. Rendered on the server, so no clock skew on hydration. */
export function RelativeTime({ date, now = new Date() }: { date: Date; now?: Date }) {
  return (
    <time dateTime={date.toISOString()} title={absolute(date)}>
      {formatRelative(date, now)}
    </time>
  );
}
