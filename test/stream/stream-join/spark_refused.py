"""Starts each stream-stream join of refused.json in PySpark over one row per side and prints, as
JSON, the first line of the error Spark refuses it with at start() or at its first batch, or null
when Spark runs it (spark-refused.json holds them).

    python3 test/stream/stream-join/spark_refused.py > test/stream/stream-join/spark-refused.json
"""
import json
import os
import sys
import tempfile

from pyspark.sql import SparkSession
from pyspark.sql.functions import col, expr, window

HERE = os.path.dirname(os.path.abspath(__file__))


def side(spark, path, watermark):
    df = spark.readStream.schema("k INT, t LONG, v STRING").json(path).selectExpr("k", "timestamp_seconds(t) AS ts", "v")
    return df.withWatermark("ts", "10 seconds") if watermark else df


def main():
    spark = (SparkSession.builder.master("local[1]").config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    with open(os.path.join(HERE, "refused.json")) as f:
        cases = json.load(f)["cases"]
    only = sys.argv[1:]  # case names to run (all by default)
    out = {}
    with tempfile.TemporaryDirectory() as root:
        # A row, so that a batch runs: some refusals come from planning the first batch.
        with open(os.path.join(root, "rows.json"), "w") as f:
            f.write(json.dumps({"k": 1, "t": 10, "v": "a"}) + "\n")
        for i, c in enumerate(cases):
            if only and c["name"] not in only:
                continue
            left = side(spark, root, c["left"]).alias("l")
            right = side(spark, root, c["right"]).alias("r")
            df = left.join(right, expr(c["condition"]), c["how"])
            if c.get("aggregate"):
                df = df.groupBy(window(col("l.ts"), "10 seconds")).count()
            q = None
            try:
                q = (df.writeStream.format("noop").outputMode(c["mode"])
                     .option("checkpointLocation", os.path.join(root, f"ckpt{i}")).start())
                q.processAllAvailable()
                out[c["name"]] = None
            except Exception as e:  # noqa: BLE001 - the message is the point
                msg = getattr(e, "desc", None) or str(e)
                msg = msg.split("Caused by:")[-1] if "Caused by:" in msg else msg
                msg = msg.split("terminated with exception: ")[-1]
                out[c["name"]] = msg.split(";")[0].split("\n")[0].strip()
            if q is not None:
                q.stop()
            print(f"done: {c['name']}: {out[c['name']]}", file=sys.stderr)
    json.dump({"spark": spark.version, "messages": out}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
