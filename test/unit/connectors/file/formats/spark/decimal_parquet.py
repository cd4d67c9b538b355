"""Writes fixtures/spark-decimal.parquet with PySpark 4 for parquet.test.ts: decimal(5,2),
decimal(18,4) and decimal(38,10) columns (Spark writes INT32, INT64 and FIXED_LEN_BYTE_ARRAY(16),
each annotated DECIMAL(precision, scale)).

    TZ=UTC python3 test/unit/connectors/file/formats/spark/decimal_parquet.py

With a path argument it instead prints the schema and rows Spark reads from that Parquet file (used
to check that Spark reads what Sluice writes as the same decimals).
"""
import decimal
import glob
import os
import shutil
import sys
import tempfile

from pyspark.sql import SparkSession

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "fixtures", "spark-decimal.parquet")
D = decimal.Decimal
ROWS = [
    (D("-999.99"), D("12345678901234.5678"), D("-1234567890123456789012345678.0123456789")),
    (None, None, None),
    (D("0.01"), D("-0.0001"), D("9999999999999999999999999999.9999999999")),
]


def main():
    spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
    spark.sparkContext.setLogLevel("OFF")
    if len(sys.argv) > 1:
        df = spark.read.parquet(sys.argv[1])
        print(df.schema.simpleString())
        print([tuple(format(x, "f") if isinstance(x, D) else x for x in r) for r in df.collect()])
        return
    out = tempfile.mkdtemp()
    df = spark.createDataFrame(ROWS, "a DECIMAL(5,2), b DECIMAL(18,4), c DECIMAL(38,10)").coalesce(1)
    df.write.mode("overwrite").option("compression", "snappy").parquet(out + "/p")
    shutil.copy(glob.glob(out + "/p/part-*.parquet")[0], FIXTURE)
    print("wrote", FIXTURE)


if __name__ == "__main__":
    main()
