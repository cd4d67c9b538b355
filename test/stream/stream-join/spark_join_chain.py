"""Runs the scenarios of chain-cases.json (stateful operators after a time-range join) in PySpark
and prints, as JSON, the rows each step added to the output (sorted), as spark-chain-expected.json
holds them. As spark_stream_join.py: each step writes one new JSON file per input, then (re)starts
the query from its checkpoint, runs every batch the data and the moved watermark call for, and
stops it.

    python3 test/stream/stream-join/spark_join_chain.py > test/stream/stream-join/spark-chain-expected.json
"""
import json
import os
import sys
import tempfile

from pyspark.sql import SparkSession
from pyspark.sql.functions import expr

from spark_stream_join import settle

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = "k INT, t LONG, v STRING"
RANGE = "INTERVAL 5 SECONDS"


def source(spark, path):
    return (spark.readStream.schema(SCHEMA).json(path).selectExpr("k", "timestamp_seconds(t) AS ts", "v")
            .withWatermark("ts", "2 seconds"))


def query(spark, case, dirs):
    a, b = source(spark, dirs["a"]).alias("l"), source(spark, dirs["b"]).alias("r")
    joined = a.join(b, expr(f"l.k = r.k AND r.ts BETWEEN l.ts AND l.ts + {RANGE}"))
    if case["kind"] == "dedup":
        return (joined.selectExpr("l.k AS k", "l.ts AS ts", "l.v AS lv").dropDuplicates(["k", "ts"])
                .selectExpr("k", "CAST(ts AS LONG) AS t", "lv"))
    j = joined.selectExpr("l.k AS k", "l.ts AS lts", "l.v AS lv", "r.v AS rv").alias("j")
    c = source(spark, dirs["c"]).alias("c")
    return (j.join(c, expr(f"c.k = j.k AND c.ts BETWEEN j.lts AND j.lts + {RANGE}"), case["how"])
            .selectExpr("j.k AS k", "j.lv AS lv", "j.rv AS rv", "c.v AS cv"))


def run_case(spark, case, root):
    dirs = {s: os.path.join(root, s) for s in ("a", "b", "c")}
    for d in dirs.values():
        os.makedirs(d)
    df = query(spark, case, dirs)
    steps = []
    for i, step in enumerate(case["steps"]):
        for s in ("a", "b", "c"):
            rows = step.get(s, [])
            if rows:
                with open(os.path.join(dirs[s], f"{i:04d}.json"), "w") as f:
                    for k, t, v in rows:
                        f.write(json.dumps({"k": k, "t": t, "v": v}) + "\n")
        out = []
        q = (df.writeStream.foreachBatch(lambda d, _id: out.extend(list(r) for r in d.collect()))
             .outputMode("append").option("checkpointLocation", os.path.join(root, "ckpt")).start())
        settle(q)
        q.stop()
        steps.append(sorted(out, key=lambda r: json.dumps(r)))
    return steps


def main():
    spark = (SparkSession.builder.master("local[2]").config("spark.sql.shuffle.partitions", "2")
             .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    with open(os.path.join(HERE, "chain-cases.json")) as f:
        cases = json.load(f)["cases"]
    result = {}
    for case in cases:
        with tempfile.TemporaryDirectory() as root:
            result[case["name"]] = run_case(spark, case, root)
            print(f"done: {case['name']}", file=sys.stderr)
    json.dump({"spark": spark.version, "steps": result}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
