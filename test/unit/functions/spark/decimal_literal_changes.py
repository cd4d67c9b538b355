"""Spark's answers for the expectations that changed when `1.5` became DECIMAL(2,1) in Sluice.

Prints `sql | typeof | value` for every expression whose expected value moved from a double to
a decimal (test/unit/functions/functions.test.ts and the other tests named beside each case).
Run with the pip pyspark (Java 17 on PATH):

    TZ=UTC python3 test/unit/functions/spark/decimal_literal_changes.py
"""
import sys

from pyspark.sql import SparkSession

CASES = [
    # functions.test.ts: empty strings, NULLs, NaN and negative zero
    "CAST(-0.0 AS STRING)", "-0.0 = 0.0", "sqrt(-1.0) = sqrt(-1.0)",
    # functions.test.ts: Spark's function reference examples
    "ceil(-0.1)", "floor(-0.1)", "round(2.5, 0)", "bround(2.5, 0)", "bround(-2.5, 0)", "mod(2, 1.8)",
    "CASE WHEN 1 > 0 THEN 1 WHEN 2 > 0 THEN 2.0 ELSE 1.2 END",
]


def main():
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("OFF")
    for sql in CASES + sys.argv[1:]:
        row = spark.sql(f"SELECT typeof({sql}) AS t, {sql} AS v").collect()[0]
        v = row["v"]
        print(f"{sql} | {row['t']} | {format(v, 'f') if hasattr(v, 'as_tuple') else v!r}")


if __name__ == "__main__":
    main()
