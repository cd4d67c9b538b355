"""Spark's answer for rand-seeded.test.ts: rand(seed) and randn(seed) over one partition are
XORShiftRandom(seed + partition index 0) draws, the same on every run. Prints JSON rows.
Run: python3 test/unit/functions/spark/rand_seeded.py (pip pyspark, Java 17)."""
import json

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
spark.sparkContext.setLogLevel("OFF")
df = spark.range(0, 6, 1, 1)
out = {}
for seed in (42, 0, -7, -9007199254740991):
    rows = df.select(F.rand(seed).alias("r"), F.randn(seed).alias("n")).collect()
    out[str(seed)] = [[r.r, r.n] for r in rows]
print(json.dumps(out))
spark.stop()
