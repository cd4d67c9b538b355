"""Spark's answer for eager-analysis.test.ts: a transformation that names an unknown column fails
where it is written (classic PySpark analyzes each DataFrame as it is built), for a batch and for a
stream; an action is not needed. Run: python3 test/unit/api/spark/eager_analysis.py (pip pyspark,
Java 17)."""
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
spark.sparkContext.setLogLevel("OFF")
df = spark.createDataFrame([(1,)], "a long")
stream = spark.readStream.format("rate").load()
cases = {
    "select": lambda: df.select("nope"),
    "filter": lambda: df.filter(F.col("nope") > 1),
    "withColumn": lambda: df.withColumn("x", F.col("nope")),
    "groupBy.count": lambda: df.groupBy("nope").count(),
    "join": lambda: df.join(df.withColumnRenamed("a", "b"), F.col("nope") == F.col("b")),
    "orderBy": lambda: df.orderBy("nope"),
    "stream select": lambda: stream.select("nope"),
    "type mismatch": lambda: df.select(F.col("a") + F.array(F.lit(1))),
    "observe twice under one name": lambda: df.observe("m", F.count(F.lit(1))).observe("m", F.sum("a")),
    "stream watermark on a date": lambda: stream.withColumn("d", F.to_date("timestamp")).withWatermark("d", "1 minute"),
    # Output-mode rules are checked when the query starts, not while it is built.
    "stream count without watermark": lambda: stream.groupBy("value").count(),
}
for name, build in cases.items():
    try:
        build()
        print(f"{name}: no error at definition")
    except Exception as e:  # noqa: BLE001
        print(f"{name}: {type(e).__name__} {str(e).splitlines()[0][:90]}")
spark.stop()
