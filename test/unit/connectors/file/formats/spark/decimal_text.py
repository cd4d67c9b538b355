"""Spark 4's answers for decimal-formats.test.ts: CSV and JSON files read with a declared
DECIMAL schema (PERMISSIVE, with a corrupt-record column), and the text Spark writes for decimal
columns. Writes decimal-text-expected.json beside this file (decimals as their plain text):

    TZ=UTC python3 test/unit/connectors/file/formats/spark/decimal_text.py
"""
import decimal
import glob
import json
import math
import os
import tempfile

from pyspark.sql import SparkSession

HERE = os.path.dirname(os.path.abspath(__file__))
DDL = "a DECIMAL(5,2), b DECIMAL(38,10), _corrupt_record STRING"
CSV = "1.555,2\n1000,3\n-0.001,1e-3\n1.5e2,x\n\"1,234.5\",0.12345678901234567890123\n 1.5,2\nNaN,1\n"
JSON = "\n".join([
    '{"a":1.555,"b":2}',
    '{"a":1000,"b":3}',
    '{"a":-0.001,"b":1e-3}',
    '{"a":"1.5","b":"x"}',
    '{"a":0.125,"b":1234567890123456789012345678.0123456789}',
    '{"a":true,"b":1}',
    '{"a":"1,234.5","b":1}',
]) + "\n"
D = decimal.Decimal
WRITE_ROWS = [(D("1.50"), D("0")), (D("-0.01"), D("0.0000001")), (None, D("1234567890123456789012345678.0123456789"))]


def norm(v):
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return {"$double": str(v)}
    return v


def read(spark, fmt, text):
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "part-0." + fmt), "w") as f:
        f.write(text)
    rows = spark.read.schema(DDL).format(fmt).load(d).collect()
    return [[norm(x) for x in r] for r in rows]


def written(spark, fmt):
    d = tempfile.mkdtemp() + "/out"
    spark.createDataFrame(WRITE_ROWS, "a DECIMAL(5,2), b DECIMAL(38,10)").coalesce(1).write.format(fmt).save(d)
    return "".join(open(p).read() for p in sorted(glob.glob(d + "/part-*")))


def main():
    spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
    spark.sparkContext.setLogLevel("OFF")
    out = {
        "spark": spark.version,
        "ddl": DDL,
        "csv": {"text": CSV, "rows": read(spark, "csv", CSV), "written": written(spark, "csv")},
        "json": {"text": JSON, "rows": read(spark, "json", JSON), "written": written(spark, "json")},
    }
    with open(os.path.join(HERE, "decimal-text-expected.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
