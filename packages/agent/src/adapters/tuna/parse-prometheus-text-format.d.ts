// The package ships no types; this is the shape its README documents (values are strings).
declare module "parse-prometheus-text-format" {
  type TLabels = Record<string, string>;
  export type TPromMetric =
    | { value: string; labels?: TLabels }
    | { buckets: Record<string, string>; count: string; sum: string; labels?: TLabels }
    | { quantiles: Record<string, string>; count: string; sum: string; labels?: TLabels };
  export type TPromFamily = {
    name: string;
    help: string;
    type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
    metrics: TPromMetric[];
  };
  export default function parsePrometheusTextFormat(text: string): TPromFamily[];
}
