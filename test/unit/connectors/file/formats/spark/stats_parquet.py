"""Writes fixtures/spark-stats.parquet with PySpark 4 for parquet-stats.test.ts: twelve rows in
row groups of four (parquet.block.row.count.limit), with string statistics truncated to 4 bytes
(min 'key-', max 'key.'), timestamps as INT64 micros, and a NaN in the third group's double column
(parquet-mr 1.17 writes it as that group's max bound).

    TZ=UTC python3 test/unit/connectors/file/formats/spark/stats_parquet.py

With a path argument it instead prints the schema and the keys of the rows Spark finds for
d > 100 ([9]: the NaN row, which row-group skipping must keep).
"""
import datetime
import glob
import os
import shutil
import sys
import tempfile

from pyspark.sql import SparkSession

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "fixtures", "spark-stats.parquet")
SCHEMA = "i INT, d DOUBLE, s STRING, dt DATE, ts TIMESTAMP, b BOOLEAN, n STRING"


def row(k):
    day = datetime.date(2024, 1, 1) + datetime.timedelta(days=k)
    ts = datetime.datetime(2024, 1, 1, 0, 0, k, 1)
    d = float("nan") if k == 9 else k / 2
    return (k, d, "key-%02d-suffix" % k, day, ts, k >= 8, None if k < 4 else "v%d" % k)


def main():
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.hadoop.parquet.block.size", "1")
        .config("spark.hadoop.parquet.block.size.row.check.min", "4")
        .config("spark.hadoop.parquet.block.size.row.check.max", "4")
        .config("spark.hadoop.parquet.block.row.count.limit", "4")
        .config("spark.hadoop.parquet.statistics.truncate.length", "4")
        .config("spark.hadoop.parquet.enable.dictionary", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("OFF")
    if len(sys.argv) > 1:
        df = spark.read.parquet(sys.argv[1])
        print(df.schema.simpleString())
        print(sorted(r.i for r in df.where("d > 100").collect()))
        return
    out = tempfile.mkdtemp()
    df = spark.createDataFrame([row(k) for k in range(12)], SCHEMA).coalesce(1)
    df.write.mode("overwrite").option("compression", "snappy").parquet(out + "/p")
    shutil.copy(glob.glob(out + "/p/part-*.parquet")[0], FIXTURE)
    print("wrote", FIXTURE)


if __name__ == "__main__":
    main()
