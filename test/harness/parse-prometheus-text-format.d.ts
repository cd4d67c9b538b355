/** Types for the untyped `parse-prometheus-text-format` package (what our metrics tests read). */
declare module 'parse-prometheus-text-format' {
  /** Parses Prometheus text format into metric families. */
  export default function parsePrometheusTextFormat(text: string): unknown[]
}
