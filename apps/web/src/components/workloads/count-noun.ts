import { formatNumber } from "@/lib/format";

const rules = new Intl.PluralRules("en-US");

/** "1 GPU", "8 GPUs", "1,200 requests": the count with its noun in the form English gives it. */
export function countNoun(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(count)} ${rules.select(count) === "one" ? singular : plural}`;
}
