"""The time-range reading of stream-join-watermark.test.ts in PySpark: auctions A (id, ts, expires)
joined with bids B (id, ts) on `A.id = B.id AND B.ts >= A.ts AND B.ts <= A.expires`, with and without
the extra bound `B.ts <= A.ts + INTERVAL 60 SECONDS`, both inputs watermarked 2 s behind `ts`.
Prints each step's new rows; Spark 4.3.0 prints, without the bound: [] [] [] (the auction is
evicted once the watermark passes A.ts, though B.ts <= A.expires still holds); with it: [] [] [(1, 50)].

    python3 test/stream/stream-join/spark_lifetime_bound.py
"""
import json
import os
import tempfile

from pyspark.sql import SparkSession
from pyspark.sql.functions import expr

from spark_stream_join import settle

STEPS = [([{"id": 1, "t": 10, "e": 100}], [{"id": 9, "t": 10}]),
         ([{"id": 2, "t": 30, "e": 31}], [{"id": 9, "t": 30}]),
         ([], [{"id": 1, "t": 50}])]


def run(spark, bound):
    root = tempfile.mkdtemp()
    da, db = os.path.join(root, "a"), os.path.join(root, "b")
    os.makedirs(da)
    os.makedirs(db)
    a = (spark.readStream.schema("id INT, t LONG, e LONG").json(da)
         .selectExpr("id", "timestamp_seconds(t) AS ts", "timestamp_seconds(e) AS expires")
         .withWatermark("ts", "2 seconds").alias("A"))
    b = (spark.readStream.schema("id INT, t LONG").json(db).selectExpr("id", "timestamp_seconds(t) AS ts")
         .withWatermark("ts", "2 seconds").alias("B"))
    cond = "A.id = B.id AND B.ts >= A.ts AND B.ts <= A.expires" + (" AND B.ts <= A.ts + INTERVAL 60 SECONDS" if bound else "")
    df = a.join(b, expr(cond)).selectExpr("A.id", "CAST(B.ts AS LONG) AS bt")
    steps = []
    for i, (rows_a, rows_b) in enumerate(STEPS):
        for d, rows in ((da, rows_a), (db, rows_b)):
            if rows:
                with open(os.path.join(d, f"{i}.json"), "w") as f:
                    f.write("\n".join(json.dumps(r) for r in rows) + "\n")
        out = []
        q = (df.writeStream.foreachBatch(lambda d, _id: out.extend(tuple(r) for r in d.collect()))
             .option("checkpointLocation", os.path.join(root, "ckpt")).start())
        settle(q)
        q.stop()
        steps.append(sorted(out))
    return steps


def main():
    spark = (SparkSession.builder.master("local[1]").config("spark.sql.shuffle.partitions", "1")
             .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    for bound in (False, True):
        print("with the bound:" if bound else "without the bound:", *run(spark, bound), flush=True)


if __name__ == "__main__":
    main()
