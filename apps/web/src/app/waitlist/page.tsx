import { redirect } from "next/navigation";

/** The form lives on the homepage; this address is what other pages and people link to. */
export default function WaitlistPage() {
  redirect("/#waitlist");
}
