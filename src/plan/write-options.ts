/** Option keys the API sets on a write for the connector that serves it. */

/** The option under which writers pass `partitionBy` columns (Spark's `__partition_columns`), as JSON. */
export const PARTITION_COLUMNS_OPTION = '__partition_columns'
