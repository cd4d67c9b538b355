"""Spark's answer for data-frame-reader.test.ts 'follows the parse mode for malformed records':
with a schema given, mode FAILFAST does not read the files at load(); the malformed record fails
the action. Run: python3 test/unit/api/spark/failfast_at_action.py (pip pyspark, Java 17)."""
import os
import tempfile

from pyspark.sql import SparkSession

spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
spark.sparkContext.setLogLevel("OFF")
d = tempfile.mkdtemp()
with open(os.path.join(d, "a.csv"), "w") as f:
    f.write("1\nx\n")
df = spark.read.schema("n INT").option("mode", "FAILFAST").csv(d)
print("load(): no error")
try:
    df.collect()
    print("collect(): no error")
except Exception as e:  # noqa: BLE001
    print("collect():", type(e).__name__, str(e).splitlines()[0][:160])
spark.stop()
