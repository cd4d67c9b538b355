"""Spark's answers for test/unit/functions/decimal.test.ts: DECIMAL(p, s).

Runs every case through PySpark 4 (ANSI on, session time zone UTC, one partition) and writes
decimal-expected.json beside this file: for each scalar case the result type (`typeof`) and the
value or the error condition; for each aggregate case the result type and the value per group of a
small table with decimal columns. The test reads only the JSON, so `npm test` needs no Spark; rerun
this after adding a case (pip-installed pyspark, Java 17 on PATH):

    TZ=UTC python3 test/unit/functions/spark/decimal_cases.py

A decimal value is written as its plain text at the type's scale ("1.50"), which is what Sluice's
rows hold; other values use numeric_types_cases.py's JSON shape.
"""
import decimal
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
    "1.5", "1.50", "-0.5", ".5", "1.", "0.001", "123456789012345678901234567890.5", "1.5D", "1.5E0",
    "1.5BD", "1BD", "12345678901234567890", "1e3", "1.5e-3",
    "CAST(1 AS DECIMAL)", "CAST(1.239 AS DECIMAL(10,2))", "CAST(1.5 AS DEC(4,1))",
    "CAST(1.5 AS NUMERIC(4,2))", "CAST(1 AS DECIMAL(5))", "CAST(2.5 AS DECIMAL(38,37))",
    # arithmetic: result precision and scale
    "1.5 + 2.25", "1.5 - 2.25", "1.5 * 2.25", "1.5 / 2.25", "1.5 % 0.4", "10.5 % 3", "-10.5 % 3",
    "pmod(-10.5, 3)", "7.5 div 2", "1.5 + 1", "1.5 + 1L", "1.5 * 2", "1.5 + 1Y", "1.5 + 1S",
    "1.5 + 1.5D", "1.5 * 1.5F", "1.5 + '2.5'", "2 / 3.0", "1 / 3", "CAST(1 AS DECIMAL(38,10)) / 3",
    "CAST(1 AS DECIMAL(38,0)) / CAST(3 AS DECIMAL(38,0))",
    "CAST(12345678901234567890.123456789 AS DECIMAL(38,18)) * CAST(1.5 AS DECIMAL(38,18))",
    "CAST(2 AS DECIMAL(20,10)) * CAST(3 AS DECIMAL(20,10))", "0.1 + 0.2", "0.1 * 0.2",
    "1.25 * 1.25", "100.0 / 7", "-(1.5)", "abs(-1.50)", "positive(-1.5)", "negative(1.5)",
    "CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0)) + 1",
    "CAST(9999999999999999999999999999999999999.9 AS DECIMAL(38,1)) * 10",
    "1.5 / 0", "1.5 % 0", "try_divide(1.5, 0)", "try_add(CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0)), 1)",
    "try_multiply(1.5, 2)", "try_subtract(1.5, 0.25)",
    # comparisons and common types
    "1.5 = 1.50", "1.5 > 1.25", "1.5 < 2", "1.5 = 1.5D", "0.1 = 0.1D", "2 > 1.5", "1.5 = '1.5'",
    "1.5 <=> NULL", "1.5 IN (1.50, 2)", "1.5 BETWEEN 1 AND 2", "greatest(1.5, 2.25, 1)",
    "least(1.5, 0.25)", "typeof(coalesce(1.5, 2.25))", "typeof(coalesce(1.5, 1))",
    "typeof(coalesce(1.5, 1L))", "typeof(coalesce(1.5, 1.5D))", "typeof(array(1.5, 22.25))",
    "typeof(CASE WHEN true THEN 1.5 ELSE 100 END)", "coalesce(NULL, 1.5, 22.25)", "nvl(1.5, 22.25)",
    "if(true, 1.5, 22.25)", "array(1.5, 22.25)", "map('a', 1.5)['a']",
    # casts
    "CAST(1.5 AS INT)", "CAST(-1.5 AS INT)", "CAST(1.5 AS BIGINT)", "CAST(1.5 AS TINYINT)",
    "CAST(300.5 AS TINYINT)", "CAST(1.5 AS SMALLINT)", "CAST(1.5 AS DOUBLE)", "CAST(1.5 AS FLOAT)",
    "CAST(0.1 AS DOUBLE)", "CAST(1.5 AS STRING)", "CAST(1.50 AS STRING)", "CAST(CAST(0 AS DECIMAL(20,10)) AS STRING)",
    "CAST(-0.001 AS STRING)", "CAST(1.5 AS BOOLEAN)", "CAST(0.0 AS BOOLEAN)",
    "CAST(true AS DECIMAL(2,1))", "CAST(1 AS DECIMAL(2,1))", "CAST(100 AS DECIMAL(2,1))",
    "CAST(1L AS DECIMAL(20,0))", "CAST(1Y AS DECIMAL(3,0))", "CAST(1.25D AS DECIMAL(3,1))",
    "CAST(1.35D AS DECIMAL(3,1))", "CAST(-1.25D AS DECIMAL(3,1))", "CAST(0.1D AS DECIMAL(20,18))",
    "CAST(1e10D AS DECIMAL(5,0))", "CAST(CAST('NaN' AS DOUBLE) AS DECIMAL(5,0))", "CAST(1.5F AS DECIMAL(5,2))",
    "CAST(0.1F AS DECIMAL(10,9))", "CAST(1.25 AS DECIMAL(3,1))", "CAST(1.35 AS DECIMAL(3,1))",
    "CAST(-1.25 AS DECIMAL(3,1))", "CAST(123.45 AS DECIMAL(4,2))", "CAST(123.45 AS DECIMAL(5,1))",
    "CAST('1.5' AS DECIMAL(5,2))", "CAST(' 1.555 ' AS DECIMAL(5,2))", "CAST('-1.555' AS DECIMAL(5,2))",
    "CAST('1e2' AS DECIMAL(5,2))", "CAST('1.5E-1' AS DECIMAL(5,2))", "CAST('abc' AS DECIMAL(5,2))",
    "CAST('1000' AS DECIMAL(5,2))", "CAST('' AS DECIMAL(5,2))", "CAST('.5' AS DECIMAL(5,2))",
    "CAST('+3' AS DECIMAL(5,2))", "try_cast('abc' AS DECIMAL(5,2))", "try_cast('1000' AS DECIMAL(5,2))",
    "try_cast(1000 AS DECIMAL(5,2))", "CAST(1000 AS DECIMAL(5,2))", "CAST(1.5 AS DECIMAL(1,0))",
    "CAST(9.5 AS DECIMAL(1,0))", "CAST(CAST(1.5 AS DECIMAL(10,4)) AS DECIMAL(10,2))",
    "CAST(TIMESTAMP '1970-01-01 00:00:01.5' AS DECIMAL(10,3))", "CAST(CAST(1.5 AS DECIMAL(10,3)) AS TIMESTAMP)",
    "CAST('NaN' AS DECIMAL(5,2))", "CAST(1234567890123456L AS DECIMAL(20,0))",
    "CAST(1.5 AS DECIMAL(10,2)) = CAST(1.5 AS DECIMAL(5,1))",
    # math
    "round(2.5)", "round(-2.5)", "round(1.25, 1)", "round(1.35, 1)", "round(-1.25, 1)", "round(125.5, -1)",
    "round(1.2345, 2)", "round(1.5, 3)", "bround(2.5)", "bround(3.5)", "bround(1.25, 1)", "bround(-2.5)",
    "floor(1.5)", "floor(-1.5)", "ceil(1.5)", "ceil(-1.5)", "floor(CAST(12.5 AS DECIMAL(10,2)))",
    "ceil(CAST(99.5 AS DECIMAL(3,1)))", "sign(-1.5)", "sqrt(2.25)", "abs(-1.5)", "typeof(abs(-1.5))",
    "hash(1.5)", "hash(CAST(1.5 AS DECIMAL(30,1)))", "round(CAST(99.95 AS DECIMAL(4,2)), 1)",
    "typeof(round(1.2345, 2))", "typeof(round(1.5))", "typeof(bround(1.25, 1))", "typeof(floor(1.5))",
    # JSON
    "to_json(named_struct('a', 1.50, 'b', CAST(0 AS DECIMAL(20,10)), 'c', -0.001))",
    "from_json('{\"a\": 1.555, \"b\": \"2.5\"}', 'a DECIMAL(5,2), b DECIMAL(5,2)')",
    "from_json('{\"a\": 1000}', 'a DECIMAL(5,2)')",
    # functions left out before decimals existed
    "decimal('1.5')", "typeof(decimal('1.5'))",
    "format_number(12332.123456, 4)", "format_number(2.675D, 2)", "format_number(-0.001, 2)",
    "format_number(1234567, 0)", "format_number(0.125D, 2)", "format_number(CAST('NaN' AS DOUBLE), 2)",
    "format_number(-1234.5F, 1)", "format_number(5, -1)", "format_number(123456789012345678901234567890.5, 0)",
    "format_number(-0.0D, 1)", "format_number(0.1F, 10)", "format_number(1e20D, 1)", "format_number(-5L, 3)",
    "format_number(CAST(1.005 AS DECIMAL(4,3)), 2)", "format_number(CAST(1.015 AS DECIMAL(4,3)), 2)",
    "format_number(NULL, 2)", "format_number(1.5, NULL)",
    # collections and ordering over decimals of several scales
    "sort_array(array(CAST(9.5 AS DECIMAL(5,2)), 10.5, -1))", "array_max(array(9.5, 10.25))",
    "array_min(array(-9.5, -10.25))", "array_sort(array(10.5, 9.75, NULL))",
    "array_contains(array(CAST(1.5 AS DECIMAL(5,2))), 1.5)", "array_position(array(CAST(1.5 AS DECIMAL(5,2)), 2), 2.0)",
    "element_at(map(CAST(1.5 AS DECIMAL(5,2)), 'x'), 1.5)", "greatest(9.5, 10.25, CAST(NULL AS DECIMAL(3,1)))",
    "array_distinct(array(1.5, 1.50, 2))",
    # to_number / try_to_number
    "to_number('454', '999')", "to_number('454.00', '000.00')", "to_number('12,454', '99,999')",
    "to_number('$78.12', '$99.99')", "to_number('12,454.8-', '99,999.9S')", "to_number('-12', 'S99')",
    "to_number('<12>', '99PR')", "to_number('12', '99PR')", "to_number('1234', '999')",
    "try_to_number('1234', '999')", "to_number('12', '000')", "to_number(' 1 2', '999')",
    "to_number('1,234', '9,999')", "to_number('1234', '9,999')", "to_number('12,34', '9,999')",
    "to_number('', '999')", "to_number('.5', '9.99')", "to_number('5.', '9.99')", "to_number('5', '9.99')",
    "to_number('5', '9$')", "to_number('5', '')", "to_number('5', 'x99')", "typeof(to_number('5', '999.99'))",
    "to_number('1.2.3', '9.9.9')", "try_to_number('abc', '999')", "to_number('12-', '99MI')",
    "to_number('12', '99MI')", "to_number(NULL, '999')", "to_number('$', '$99')", "to_number('5', '9,')",
    "to_number('1,2', '9,,9')", "to_number('0.123', '0.999')", "to_number('7', '0999')",
    "try_to_number('<12', '99PR')", "to_number('+5', 'S9')", "typeof(try_to_number('1', '99G999D99'))",
    "to_number('1.5', '9d9')",
    # to_char / to_varchar: numbers by the same formats, dates as date_format, binary encoded
    "to_char(454, '999')", "to_char(454.00, '000D00')", "to_char(12454, '99G999')", "to_char(78.12, '$99.99')",
    "to_char(-12454.8, '99G999D9S')", "to_char(5, '999')", "to_char(5, '000')", "to_char(5, '099')",
    "to_char(1234, '999')", "to_char(123456, '99G999')", "to_char(78.125, '99.99')", "to_char(78.1, '99.999')",
    "to_char(0.5, '9.99')", "to_char(0.5, '.99')", "to_char(0, '999')", "to_char(0, '9.99')", "to_char(0, '0')",
    "to_char(-5, 'S999')", "to_char(5, 'S999')", "to_char(-5, '999S')", "to_char(5, '999S')", "to_char(0, '999S')",
    "to_char(-5, '999MI')", "to_char(5, '999MI')", "to_char(-5, 'MI999')", "to_char(-5, '999PR')",
    "to_char(5, '999PR')", "to_char(-12.5, '99.99PR')", "to_char(-1234, '9G999PR')", "to_char(-5, 'S9G999')",
    "to_char(-5, '9G999')", "to_char(12.0, '99.')", "to_char(-12, '99.S')", "to_char(12, '99.PR')",
    "to_char(-12, '99.PR')", "to_char(12, '99.99')", "to_char(12, '99D')", "to_char(-0.5, 'S9.99')",
    "to_char(-0.5, '.99S')", "to_char(-0.5, '0.99MI')", "to_char(5, '$999')", "to_char(-5, 'S$999')",
    "to_char(-1234.5, 'S$9,999.99')", "to_char(1234.5, '0,000.00')", "to_char(1, '0G000')", "to_char(-1, '0G000S')",
    "to_char(12.34, '0000.0000')", "to_char(1.5, '9')", "to_char(5, 'd99')", "to_char(123, '9,9,9')",
    "to_char(1234, '0,9,99')", "to_char(-0.0, '9.9')", "to_char(0.05, '9.99')", "to_char(5L, '999')",
    "to_char(CAST(5 AS TINYINT), '999')", "to_char(5.5D, '9.9')", "to_char(CAST(1 AS DECIMAL(10,5)), '9.9')",
    "to_char(99999999999999999999999999999999999999, '99999999999999999999999999999999999999')",
    "to_char(NULL, '999')", "to_char(CAST(NULL AS DECIMAL(5,2)), '999')", "to_varchar(454, '999')",
    "to_char(5, '999$')", "to_char(5, '')", "to_char(5, 'x99')", "to_char(5, '9,')", "to_char(5, '99.9.9')",
    "to_char(5, 'S9S')", "to_char(5, 'PR99')", "to_char(-123, 'S')", "to_char('abc', '999')", "to_char('12', '999')",
    "to_char(DATE'2016-04-08', 'y')", "to_char(TIMESTAMP'2016-04-08 10:11:12', 'yyyy-MM-dd HH:mm')",
    "to_char(X'537061726B2053514C', 'hex')", "to_char(X'537061726B2053514C', 'base64')",
    "to_char(X'537061726B2053514C', 'utf-8')", "to_char(X'537061726B2053514C', 'HEX')",
    "to_char(X'537061726B2053514C', 'utf8')", "to_varchar(X'00FF', 'hex')",
    "to_char(true, '9')", "to_char(1e25D, '9')", "to_char(0.1D, '9.9')", "to_char(-2.5F, 'S9.9')",
    "to_char(-0.5, '.99PR')", "to_char(1234567.891, '9,999,999.999')", "to_char(-1234567, 'MI9G999G999')",
    "to_char(12, '$0000')", "to_char(-12, 'S$0000.0')", "to_char(CAST(-7 AS SMALLINT), '9MI')",
    "to_char(DATE'2016-04-08', 'dd/MM/yyyy')", "to_char(X'', 'base64')",
]

TABLE = [
    {"k": "a", "d": decimal.Decimal("1.50"), "e": decimal.Decimal("12345678901234567.891"), "i": 1},
    {"k": "a", "d": decimal.Decimal("2.25"), "e": decimal.Decimal("0.001"), "i": 2},
    {"k": "a", "d": None, "e": None, "i": None},
    {"k": "b", "d": decimal.Decimal("-3.10"), "e": decimal.Decimal("99999999999999999.999"), "i": 3},
    {"k": "b", "d": decimal.Decimal("0.05"), "e": decimal.Decimal("99999999999999999.999"), "i": 4},
]
TABLE_DDL = "k STRING, d DECIMAL(5,2), e DECIMAL(20,3), i INT"

AGGREGATE = [
    "sum(d)", "sum(e)", "avg(d)", "avg(e)", "min(d)", "max(d)", "min(e)", "max(e)", "count(d)",
    "sum(d * 2)", "sum(d * i)", "avg(d + 1)", "sum(d) / count(d)", "try_sum(d)", "try_avg(d)",
    "first(d)", "collect_list(d)", "sum(DISTINCT d)", "count(DISTINCT d)", "max(d * 1.5)",
    "sum(CAST(d AS DOUBLE))", "stddev(d)", "variance(d)", "percentile(d, 0.5)", "median(d)", "corr(d, i)",
    "array_sort(collect_list(e))", "array_sort(collect_set(d))", "max_by(k, d)", "min_by(d, i)",
    "approx_count_distinct(d)", "max(e)", "sum(e) + sum(d)", "avg(DISTINCT d)",
]


def norm(v):
    if v is None or isinstance(v, (bool, str, int)):
        return v
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, float):
        return {"$double": str(v)} if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, Row):
        return {k: norm(x) for k, x in v.asDict(recursive=False).items()}
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
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
    rows = [{**r, "d": r["d"], "e": r["e"]} for r in TABLE]
    out = {
        "spark": spark.version,
        "scalar": [run_scalar(spark, sql) for sql in SCALAR],
        "table": {"ddl": TABLE_DDL, "rows": [{k: norm(v) for k, v in r.items()} for r in TABLE]},
        "aggregate": [],
    }
    df = spark.createDataFrame([Row(**r) for r in rows], TABLE_DDL).coalesce(1)
    df.createOrReplaceTempView("t")
    out["aggregate"] = [run_aggregate(spark, sql) for sql in AGGREGATE]
    with open(os.path.join(HERE, "decimal-expected.json"), "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(SCALAR)} scalar and {len(AGGREGATE)} aggregate cases from Spark {spark.version}", file=sys.stderr)


if __name__ == "__main__":
    main()
