"""Spark's answers for test/unit/functions/numeric-types.test.ts: tinyint, smallint and float.

Runs every case through PySpark 4 (ANSI on, session time zone UTC, one partition) and writes
numeric-types-expected.json beside this file: for each scalar case the result type (`typeof`) and
the value or the error condition; for each aggregate case the result type and the value per group
of a small table with tinyint, smallint and float columns. The test reads only the JSON, so
`npm test` needs no Spark; rerun this after adding a case:

    python3 -m venv /tmp/pyspark && /tmp/pyspark/bin/pip install pyspark   # Java 17 on PATH
    TZ=UTC /tmp/pyspark/bin/python test/unit/functions/spark/numeric_types_cases.py

Values use functions_cases.py's JSON shape (NaN and infinities as {"$double": "nan"}).
"""
import calendar
import datetime
import json
import math
import os
import sys
import time

os.environ["TZ"] = "UTC"
time.tzset()

from pyspark.sql import Row, SparkSession  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

SCALAR = [
    # literals and DDL names
    "1Y", "1S", "1.5F", "-128Y", "32767S", "3.4028235E38F",
    "CAST(1 AS TINYINT)", "CAST(1 AS BYTE)", "CAST(1 AS SMALLINT)", "CAST(1 AS SHORT)",
    "CAST(1.1 AS FLOAT)", "CAST(1.1 AS REAL)",
    # widening in arithmetic
    "1Y + 1Y", "1Y + 1S", "1S + 1S", "1S + 1", "1Y + 1", "1Y + 1L", "1S * 2L", "1Y + 1.5F",
    "1.5F + 1", "1.5F + 1L", "1.5F + 1.5F", "1.5F + 1.5D", "1.5F * 2", "1Y - 2Y", "3S * 3S",
    "1Y / 2Y", "1S / 2S", "1.5F / 2F", "1 / 2", "7Y % 3Y", "7S % 3Y", "5.5F % 2F", "-7Y % 3Y",
    "pmod(-7Y, 3Y)", "pmod(-7S, 3S)", "7Y div 2Y", "7S div 2S", "1Y + '2'", "1S + '2'",
    "1.5F + '2'", "1.5F + '2.5'", "-(1Y)", "-(1S)", "-(1.5F)", "abs(-5Y)", "abs(-5S)",
    "abs(-1.5F)",
    # ANSI overflow
    "127Y + 1Y", "-128Y - 1Y", "100Y * 2Y", "32767S + 1S", "-32768S - 1S", "200S * 200S",
    "-(-128Y)", "-(-32768S)", "abs(-128Y)", "abs(-32768S)", "try_add(127Y, 1Y)",
    "try_multiply(200S, 200S)", "try_subtract(-128Y, 1Y)", "127Y + 1", "32767S + 1",
    "3.4028235E38F * 10F", "1Y / 0Y", "1.5F / 0F", "1Y % 0Y", "try_divide(1Y, 0Y)",
    # float precision
    "0.1F", "0.1F + 0.2F", "CAST(0.1F AS DOUBLE)", "CAST(0.1 AS FLOAT) = 0.1F", "1.1F * 1.1F",
    "CAST(16777217 AS FLOAT)", "CAST(123456789L AS FLOAT)", "1.0F / 3.0F",
    # casts to tinyint / smallint
    "CAST(127 AS TINYINT)", "CAST(128 AS TINYINT)", "CAST(-129 AS TINYINT)", "CAST(300L AS TINYINT)",
    "CAST(-128.9D AS TINYINT)", "CAST(127.9F AS TINYINT)", "CAST(128.0D AS TINYINT)",
    "CAST(32768 AS SMALLINT)", "CAST(-32768L AS SMALLINT)", "CAST(40000.5D AS SMALLINT)",
    "CAST(CAST('NaN' AS DOUBLE) AS TINYINT)", "CAST(CAST('Infinity' AS FLOAT) AS SMALLINT)",
    "CAST('12' AS TINYINT)", "CAST(' -12 ' AS TINYINT)", "CAST('128' AS TINYINT)",
    "CAST('1.5' AS TINYINT)", "CAST('x' AS SMALLINT)", "CAST('32767' AS SMALLINT)",
    "CAST('40000' AS SMALLINT)", "CAST(true AS TINYINT)", "CAST(false AS SMALLINT)",
    "CAST(200S AS TINYINT)", "CAST(100Y AS SMALLINT)", "CAST(5Y AS BIGINT)", "CAST(5S AS INT)",
    "try_cast(128 AS TINYINT)", "try_cast('x' AS TINYINT)", "try_cast(40000 AS SMALLINT)",
    "try_cast(1e10 AS SMALLINT)",
    # casts to and from float
    "CAST(1 AS FLOAT)", "CAST(1.5D AS FLOAT)", "CAST(1e40D AS FLOAT)", "CAST(-1e40D AS FLOAT)",
    "CAST(1e-50D AS FLOAT)", "CAST('1.5' AS FLOAT)", "CAST(' 2.25 ' AS FLOAT)", "CAST('NaN' AS FLOAT)",
    "CAST('-Infinity' AS FLOAT)", "CAST('x' AS FLOAT)", "try_cast('x' AS FLOAT)", "CAST(true AS FLOAT)",
    "CAST(1.5F AS INT)", "CAST(-2.5F AS BIGINT)", "CAST(3e9F AS INT)", "CAST(CAST('NaN' AS FLOAT) AS INT)",
    "try_cast(3e9F AS INT)", "CAST(1.5F AS BOOLEAN)", "CAST(0F AS BOOLEAN)", "CAST(1Y AS BOOLEAN)",
    "CAST(0S AS BOOLEAN)",
    # to string
    "CAST(1.1F AS STRING)", "CAST(0.1F AS STRING)", "CAST(1e10F AS STRING)", "CAST(1.0E-5F AS STRING)",
    "CAST(100F AS STRING)", "CAST(-0.0F AS STRING)", "CAST(3.4028235E38F AS STRING)",
    "CAST(CAST('NaN' AS FLOAT) AS STRING)", "CAST(-5Y AS STRING)", "CAST(300S AS STRING)",
    "CAST(1.1F AS DOUBLE)", "CAST(16777217F AS STRING)",
    # timestamps
    "CAST(TIMESTAMP '1970-01-01 00:01:40' AS TINYINT)", "CAST(TIMESTAMP '1970-01-01 01:00:00' AS SMALLINT)",
    "CAST(TIMESTAMP '2024-01-01 00:00:00' AS TINYINT)", "CAST(TIMESTAMP '2024-01-01 00:00:00' AS FLOAT)",
    "CAST(CAST(100Y AS TIMESTAMP) AS STRING)", "CAST(CAST(1.5F AS TIMESTAMP) AS STRING)",
    # comparisons and common types
    "1Y = 1S", "1Y < 2", "1.5F = 1.5D", "0.1F = 0.1D", "1.5F > 1", "1Y = '1'", "1.5F = '1.5'",
    "2S > '10'", "typeof(coalesce(1Y, 1S))", "typeof(coalesce(1S, 1.5F))", "typeof(coalesce(1L, 1.5F))",
    "typeof(array(1Y, 2S))", "typeof(CASE WHEN true THEN 1Y ELSE 2L END)", "greatest(1Y, 3S, 2)",
    "least(1.5F, 2D)", "1Y IN (1, 2)", "CAST(NULL AS TINYINT) + 1Y", "1.5F + CAST(NULL AS INT)",
    # math
    "sqrt(4Y)", "floor(1.5F)", "ceil(-1.5F)", "round(2.5F)", "round(1.25F, 1)", "sign(-3Y)",
    "hash(1Y)", "hash(1S)", "hash(1.5F)", "hash(CAST(-0.0 AS FLOAT))",
    "to_json(named_struct('a', 1Y, 'b', 2S, 'c', 1.1F))",
    "from_json('{\"a\": 1, \"b\": 2, \"c\": 1.1}', 'a TINYINT, b SMALLINT, c FLOAT')",
    "from_json('{\"a\": 200}', 'a TINYINT')", "from_json('{\"a\": 300}', 'a TINYINT')",
    "from_json('{\"a\": 40000}', 'a SMALLINT')", "from_json('{\"a\": \"NaN\"}', 'a FLOAT')",
    # more functions over the small types
    "shiftleft(1Y, 3)", "bin(5Y)", "hex(-1Y)", "1Y <=> 1S",
    "-0.0F = 0.0F", "CAST('NaN' AS FLOAT) = CAST('NaN' AS FLOAT)", "floor(5Y)", "ceil(2S)", "round(5Y)",
    "round(15Y, -1)", "bround(2.5F)", "sign(1.5F)", "pow(2Y, 3Y)", "sqrt(2F)", "abs(-0.0F)",
    "negative(5Y)", "positive(5S)", "timestamp_seconds(1.5F)", "date_add(DATE '2024-01-01', 1Y)",
    "substr('hello', 2Y, 2S)", "repeat('a', 3Y)", "array_repeat(1Y, 2)", "element_at(array(1, 2), 1Y)",
    "to_json(map('a', 1.1F))", "string(1.1F)", "concat('x', 1.1F)", "float('1.5')", "tinyint('5')",
    "smallint(70000)", "CAST(array(1, 2) AS ARRAY<TINYINT>)", "CAST(array(1, 300) AS ARRAY<TINYINT>)",
    "CAST(named_struct('a', 1.5D) AS STRUCT<a: FLOAT>)", "sequence(1Y, 3Y)", "array_contains(array(1Y, 2Y), 2)",
    "1Y BETWEEN 0 AND 2", "nvl(1Y, 2S)", "typeof(nvl(1Y, 2S))", "typeof(if(true, 1S, 1.5F))",
    "array_max(array(1.5F, 2.5F))", "map('a', 1Y)['a']", "greatest(1.5F, 2.5F)", "least(1Y, 2Y)",
    "1Y in (1S, 2S)", "1.5F in (1.5D)", "CAST(1Y AS DOUBLE)", "CAST(0.1F AS DOUBLE) = 0.1D",
]

TABLE = [
    {"k": "a", "b": 100, "s": 30000, "f": 1.5, "i": 2000000000},
    {"k": "a", "b": 100, "s": 30000, "f": 0.1, "i": 2000000000},
    {"k": "a", "b": -5, "s": None, "f": None, "i": None},
    {"k": "b", "b": None, "s": -2, "f": -3.25, "i": 1},
    {"k": "b", "b": 7, "s": 4, "f": 1e30, "i": 2},
]
TABLE_DDL = "k STRING, b TINYINT, s SMALLINT, f FLOAT, i INT"

AGGREGATE = [
    "sum(b)", "sum(s)", "sum(f)", "sum(i)", "avg(b)", "avg(s)", "avg(f)", "min(b)", "max(b)",
    "min(s)", "max(s)", "min(f)", "max(f)", "count(f)", "first(f)", "sum(b + b)", "max(b + s)",
    "collect_list(b)", "try_sum(b)", "try_avg(f)", "stddev(f)", "sum(DISTINCT b)",
    "count(DISTINCT f)", "max_by(k, b)", "min_by(f, s)", "percentile(b, 0.5)", "median(s)", "bit_and(b)",
    "bit_or(s)", "bit_xor(b)", "approx_count_distinct(f)", "try_sum(s)", "var_samp(b)", "mode(b)",
    "array_sort(collect_set(f))", "avg(b + 1Y)", "sum(s) + 1S",
]


def norm(v):
    if v is None or isinstance(v, (bool, str, int)):
        return v
    if isinstance(v, float):
        return {"$double": str(v)} if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, datetime.datetime):
        return calendar.timegm(v.utctimetuple()) * 1000 + v.microsecond // 1000
    if isinstance(v, datetime.date):
        return (v - datetime.date(1970, 1, 1)).days
    if isinstance(v, Row):
        return {k: norm(x) for k, x in v.asDict(recursive=False).items()}
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    raise TypeError(f"no JSON shape for {type(v)}: {v!r}")


def error_of(e):
    cond = getattr(e, "getCondition", None) or getattr(e, "getErrorClass", None)
    return {"error": (cond() if cond else None) or type(e).__name__}


def run_scalar(spark, sql):
    case = {"sql": sql}
    try:
        case["type"] = spark.sql(f"SELECT typeof({sql}) AS c").collect()[0][0]
        case["value"] = norm(spark.sql(f"SELECT {sql} AS c").collect()[0][0])
    except Exception as e:  # noqa: BLE001 - every failure is an expected answer
        case.pop("value", None)
        case.update(error_of(e))
    return case


def run_aggregate(spark, sql):
    case = {"sql": sql}
    try:
        df = spark.sql(f"SELECT k, {sql} AS c FROM t GROUP BY k ORDER BY k")
        case["type"] = df.schema["c"].dataType.simpleString()
        case["value"] = [norm(r["c"]) for r in df.collect()]
    except Exception as e:  # noqa: BLE001
        case.update(error_of(e))
    return case


def main():
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("OFF")
    out = {"spark": spark.version, "scalar": [], "table": {"ddl": TABLE_DDL, "rows": TABLE}, "aggregate": []}
    out["scalar"] = [run_scalar(spark, sql) for sql in SCALAR]
    df = spark.createDataFrame([Row(**r) for r in TABLE], TABLE_DDL).coalesce(1)
    df.createOrReplaceTempView("t")
    out["aggregate"] = [run_aggregate(spark, sql) for sql in AGGREGATE]
    with open(os.path.join(HERE, "numeric-types-expected.json"), "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(SCALAR)} scalar and {len(AGGREGATE)} aggregate cases from Spark {spark.version}", file=sys.stderr)


if __name__ == "__main__":
    main()
