import { formatRelative, formatRelativePrecise } from "@/lib/relative-time";

const absolute = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/**
 * "3 hours ago", with the exact UTC time on hover; `precise` says "in 1 h 37 min", for times read
 * against each other. `now` comes from the caller so server and client agree.
 */
export function RelativeTime({
  date,
  now = new Date(),
  className,
  precise = false,
}: {
  date: Date;
  now?: Date;
  className?: string;
  precise?: boolean;
}) {
  return (
    <time dateTime={date.toISOString()} title={absolute(date)} className={className}>
      {precise ? formatRelativePrecise(date, now) : formatRelative(date, now)}
    </time>
  );
}
