"""Writes fixtures/spark-bom.parquet with PySpark 4.3 for parquet.test.ts: a STRING column (Spark
writes BYTE_ARRAY annotated UTF8/STRING) whose values start with, hold, or are only a byte order
mark U+FEFF. Spark reads them back unchanged (the BOM is kept), and so must Sluice.

    TZ=UTC python3 test/unit/connectors/file/formats/spark/bom_parquet.py

With a path argument it instead prints the rows (as Python reprs) Spark reads from that Parquet
file (used to check that Spark reads what Sluice writes with the BOM kept).
"""
import glob
import os
import shutil
import sys
import tempfile

from pyspark.sql import SparkSession

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "fixtures", "spark-bom.parquet")
ROWS = [("\ufeffabc",), ("x\ufeffy",), ("\ufeff",), ("plain",)]


def main():
    spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
    spark.sparkContext.setLogLevel("OFF")
    if len(sys.argv) > 1:
        print([tuple(r) for r in spark.read.parquet(sys.argv[1]).collect()])
        return
    out = tempfile.mkdtemp()
    spark.createDataFrame(ROWS, "s STRING").coalesce(1).write.mode("overwrite").parquet(out + "/p")
    back = [tuple(r) for r in spark.read.parquet(out + "/p").collect()]
    assert back == ROWS, back  # Spark keeps the BOM
    print("Spark reads back", back)
    shutil.copy(glob.glob(out + "/p/part-*.parquet")[0], FIXTURE)
    print("wrote", FIXTURE)


if __name__ == "__main__":
    main()
