import { formatRelative } from "@/lib/relative-time";

const absolute = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** "3 hours ago", with the exact UTC time on hover. `now` comes from the caller so server and client agree. */
export function RelativeTime({ date, now = new Date(), className }: { date: Date; now?: Date; className?: string }) {
  return (
    <time dateTime={date.toISOString()} title={absolute(date)} className={className}>
      {formatRelative(date, now)}
    </time>
  );
}
