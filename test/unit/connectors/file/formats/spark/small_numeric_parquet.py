"""Writes fixtures/spark-small-numeric.parquet with PySpark 4 for parquet.test.ts: a tinyint, a
smallint and a float column (Spark writes INT32 with INT_8 / INT_16 annotations and FLOAT).

    TZ=UTC python3 test/unit/connectors/file/formats/spark/small_numeric_parquet.py

With a path argument it instead prints the schema and rows Spark reads from that Parquet file (used
to check that Spark reads what Sluice writes as tinyint, smallint and float).
"""
import glob
import os
import shutil
import sys
import tempfile

from pyspark.sql import SparkSession

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "fixtures", "spark-small-numeric.parquet")
ROWS = [(-128, -32768, 1.1), (None, None, None), (127, 32767, float("-inf"))]


def main():
    spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
    spark.sparkContext.setLogLevel("OFF")
    if len(sys.argv) > 1:
        df = spark.read.parquet(sys.argv[1])
        print(df.schema.simpleString())
        print([tuple(r) for r in df.collect()])
        return
    out = tempfile.mkdtemp()
    df = spark.createDataFrame(ROWS, "b TINYINT, s SMALLINT, f FLOAT").coalesce(1)
    df.write.mode("overwrite").option("compression", "snappy").parquet(out + "/p")
    shutil.copy(glob.glob(out + "/p/part-*.parquet")[0], FIXTURE)
    print("wrote", FIXTURE)


if __name__ == "__main__":
    main()
