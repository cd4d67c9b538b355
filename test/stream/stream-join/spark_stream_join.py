"""Runs the stream-stream join scenarios of cases.json in PySpark and prints, as JSON, the rows each
step added to the output (sorted), as spark-expected.json holds them.

Each step writes its left and right rows as one new JSON file per side, then (re)starts the query
from its checkpoint, lets processAllAvailable() run the micro-batch that reads both (and any no-data
batch the moved watermark triggers), and stops it: a restart around every step, as the Sluice test.

    python3 test/stream/stream-join/spark_stream_join.py > test/stream/stream-join/spark-expected.json
"""
import json
import os
import sys
import tempfile
import time

from pyspark.sql import SparkSession
from pyspark.sql.functions import col, count, expr, window

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = "k INT, t LONG, v STRING"


def side(spark, path, spec):
    df = spark.readStream.schema(SCHEMA).json(path).selectExpr("k", "timestamp_seconds(t) AS ts", "v")
    if spec.get("watermark"):
        df = df.withWatermark("ts", spec["watermark"])
    if spec.get("aggregate"):
        # A windowed count per key on each side before the join (SPARK-49829).
        df = df.groupBy(window(col("ts"), spec["aggregate"]).alias("w"), col("k")).agg(count("*").alias("n"))
    if spec.get("window"):
        df = df.selectExpr("k", f"window(ts, '{spec['window']}') AS w", "v")
    return df


def settle(q):
    """Waits until the query has run every batch the data and the moved watermark call for."""
    q.processAllAvailable()
    last = None
    while True:
        time.sleep(1.5)
        q.processAllAvailable()
        now = q.lastProgress["batchId"] if q.lastProgress else None
        if now == last and not q.status["isTriggerActive"]:
            return
        last = now


def run_case(spark, case, root):
    dirs = {s: os.path.join(root, s) for s in ("left", "right")}
    for d in dirs.values():
        os.makedirs(d)
    left = side(spark, dirs["left"], case["left"]).alias("l")
    right = (side(spark, dirs["left"], case["right"]) if case.get("self") else side(spark, dirs["right"], case["right"])).alias("r")
    joined = left.join(right, expr(case["condition"]), case["how"])
    if case.get("aggregate"):
        # A join followed by a windowed count of the joined rows.
        joined = joined.groupBy(window(col("l.ts"), case["aggregate"])).agg(count("*").alias("n"))
    joined = joined.selectExpr(*case["select"])
    steps = []
    for i, step in enumerate(case["steps"]):
        for s in ("left", "right"):
            rows = step.get(s, [])
            if rows:
                with open(os.path.join(dirs[s], f"{i:04d}.json"), "w") as f:
                    for k, t, v in rows:
                        f.write(json.dumps({"k": k, "t": t, "v": v}) + "\n")
        # A restart around every step, as the Sluice test: the query resumes from its checkpoint.
        out = []
        q = (joined.writeStream.foreachBatch(lambda df, _id: out.extend(list(r) for r in df.collect()))
             .outputMode("append").option("checkpointLocation", os.path.join(root, "ckpt")).start())
        settle(q)
        q.stop()
        steps.append(sorted(out, key=lambda r: json.dumps(r)))
    return steps


def main():
    spark = (SparkSession.builder.master("local[2]").config("spark.sql.shuffle.partitions", "2")
             .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    with open(os.path.join(HERE, "cases.json")) as f:
        cases = json.load(f)["cases"]
    only = sys.argv[1:]  # case names to run (all by default)
    result = {}
    for case in cases:
        if only and case["name"] not in only:
            continue
        with tempfile.TemporaryDirectory() as root:
            result[case["name"]] = run_case(spark, case, root)
            print(f"done: {case['name']}", file=sys.stderr)
    json.dump({"spark": spark.version, "steps": result}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
