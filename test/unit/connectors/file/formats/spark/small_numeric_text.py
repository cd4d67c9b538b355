"""Spark 4's answers for small-numeric-formats.test.ts: CSV and JSON files read with a declared
tinyint/smallint/float schema (PERMISSIVE, with a corrupt-record column), and the text Spark writes
for such columns. Writes small-numeric-text-expected.json beside this file:

    TZ=UTC python3 test/unit/connectors/file/formats/spark/small_numeric_text.py
"""
import glob
import json
import math
import os
import tempfile

from pyspark.sql import SparkSession

HERE = os.path.dirname(os.path.abspath(__file__))
DDL = "b TINYINT, s SMALLINT, f FLOAT, _corrupt_record STRING"
CSV = "1,2,1.1\n128,3,0.5\n-128,40000,x\n 5,-32768,3e40\n7,8,NaN\n9,10,-Infinity\n"
JSON = "\n".join([
    '{"b":1,"s":2,"f":1.1}',
    '{"b":200,"s":3,"f":0.5}',
    '{"b":300,"s":3,"f":0.5}',
    '{"b":1.5,"s":3,"f":0.5}',
    '{"b":-128,"s":40000,"f":"NaN"}',
    '{"b":5,"s":-32768,"f":3e40}',
    '{"b":"5","s":6,"f":"1.5"}',
]) + "\n"
WRITE_ROWS = [(1, 2, 1.1), (-128, -32768, 0.1), (None, None, 1e10), (0, 0, float("nan")), (1, 1, 1.0e-5)]


def norm(v):
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
    spark.createDataFrame(WRITE_ROWS, "b TINYINT, s SMALLINT, f FLOAT").coalesce(1).write.format(fmt).save(d)
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
    with open(os.path.join(HERE, "small-numeric-text-expected.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
