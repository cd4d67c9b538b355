"""The reference answers of test/stream/groups-with-state-spark.test.ts, from PySpark 4.x
(applyInPandasWithState). Writes groups-with-state.json beside this file: per scenario, the rows
each step of the script adds to the sink (after the step's data batch and any batch without data
that the watermark then runs).

Run: python3 test/stream/spark/groups-with-state.py  (needs pyspark, pandas, pyarrow and Java 17),
then `npx biome format --write test/stream/spark/groups-with-state.json`.
"""
import json, os, shutil, tempfile, time
import pandas as pd
from pyspark.sql import SparkSession
from pyspark.sql.streaming.state import GroupStateTimeout

HERE = os.path.dirname(os.path.abspath(__file__))
spark = (SparkSession.builder.master("local[2]").config("spark.sql.shuffle.partitions", "2")
         .config("spark.sql.session.timeZone", "UTC").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")


def run(steps, build, schema):
    """Writes each step's rows as a JSON file, runs the query on them, returns new rows per step."""
    d = tempfile.mkdtemp()
    src, ck = os.path.join(d, "in"), os.path.join(d, "ck")
    os.makedirs(src)
    got = []
    q = (build(spark.readStream.schema(schema).json(src)).writeStream.outputMode("update")
         .option("checkpointLocation", ck)
         .foreachBatch(lambda df, _id: got.extend(r.asDict() for r in df.collect())).start())
    out = []
    for i, rows in enumerate(steps):
        with open(os.path.join(src, f"{i:03}.json"), "w") as f:
            f.write("".join(json.dumps(r) + "\n" for r in rows))
        q.processAllAvailable()
        time.sleep(3)  # let the batch without data that the watermark triggers run
        q.processAllAvailable()
        out.append(sorted(got, key=json.dumps))
        got.clear()
    q.stop()
    shutil.rmtree(d)
    return out


def running_count(key, pdfs, state):
    n = (state.get[0] if state.exists else 0) + sum(len(p) for p in pdfs)
    state.update((n,))
    yield pd.DataFrame({"key": [key[0]], "count": [str(n)]})


def event_time(key, pdfs, state):
    if state.hasTimedOut:
        state.remove()
        yield pd.DataFrame({"key": [key[0]], "maxTime": [-1]})
        return
    mx = state.get[0] if state.exists else 0
    for p in pdfs:
        for t in p["time"]:
            mx = max(mx, int(t.value // 1_000_000))
    state.update((mx,))
    state.setTimeoutTimestamp(max(mx, state.getCurrentWatermarkMs()) + 5000)
    yield pd.DataFrame({"key": [key[0]], "maxTime": [mx // 1000]})


def ev(k, s):
    return {"key": k, "time": f"1970-01-01T00:00:{s:02}Z"}


result = {
    "runningCount": run(
        [[{"word": "a"}], [{"word": "a"}, {"word": "b"}], [{"word": w} for w in "abcc"]],
        lambda df: df.groupBy("word").applyInPandasWithState(
            running_count, "key string, count string", "count long", "Update", GroupStateTimeout.NoTimeout),
        "word string"),
    "eventTimeTimeout": run(
        [[ev("a", s) for s in range(1, 6)], [ev("a", 6)], [ev("b", 30)], [ev("a", 10)], [ev("c", 50)]],
        lambda df: df.withWatermark("time", "10 seconds").groupBy("key").applyInPandasWithState(
            event_time, "key string, maxTime long", "maxTime long", "Update", GroupStateTimeout.EventTimeTimeout),
        "key string, time timestamp"),
}
with open(os.path.join(HERE, "groups-with-state.json"), "w") as f:
    json.dump({"spark": spark.version, **result}, f, indent=1)
    f.write("\n")
print(json.dumps(result))
