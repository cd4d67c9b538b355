"""The reference answers of test/stream/transform-with-state.test.ts, from PySpark 4.x
(transformWithStateInPandas, on the RocksDB state store it requires). Writes
transform-with-state.json beside this file: per scenario, the rows each step adds to the sink.

Run: python3 test/stream/spark/transform-with-state.py  (needs pyspark, pandas, pyarrow,
protobuf, grpcio and Java 17),
then `npx biome format --write test/stream/spark/transform-with-state.json`.
"""
import json, os, shutil, tempfile, time
import pandas as pd
from pyspark.sql import SparkSession
from pyspark.sql.streaming.stateful_processor import StatefulProcessor

HERE = os.path.dirname(os.path.abspath(__file__))
spark = (SparkSession.builder.master("local[2]").config("spark.sql.shuffle.partitions", "2")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.sql.streaming.stateStore.providerClass",
                 "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
         .getOrCreate())
spark.sparkContext.setLogLevel("ERROR")


def run(steps, build, schema):
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
        time.sleep(3)
        q.processAllAvailable()
        out.append(sorted(got, key=json.dumps))
        got.clear()
    q.stop()
    shutil.rmtree(d)
    return out


class Tracker(StatefulProcessor):
    def init(self, handle):
        self.count = handle.getValueState("count", "n long")
        self.history = handle.getListState("history", "page string")
        self.per_page = handle.getMapState("perPage", "page string", "n long")

    def handleInputRows(self, key, rows, timerValues):
        c = self.count.get()
        n = c[0] if c is not None else 0
        for pdf in rows:
            for page in pdf["page"]:
                n += 1
                self.history.appendValue((page,))
                old = self.per_page.getValue((page,)) if self.per_page.containsKey((page,)) else None
                self.per_page.updateValue((page,), ((old[0] if old else 0) + 1,))
        self.count.update((n,))
        history = ",".join(h[0] for h in self.history.get())
        pages = len(list(self.per_page.keys()))
        yield pd.DataFrame({"user": [key[0]], "n": [n], "history": [history], "pages": [pages]})

    def close(self):
        pass


class IdleAlarm(StatefulProcessor):
    def init(self, handle):
        self.handle = handle

    def handleInputRows(self, key, rows, timerValues):
        latest = 0
        for pdf in rows:
            for ts in pdf["ts"]:
                latest = max(latest, int(ts.value // 1_000_000))
        for old in list(self.handle.listTimers()):
            self.handle.deleteTimer(old)
        self.handle.registerTimer(latest + 5000)
        yield pd.DataFrame({"user": [key[0]], "what": ["seen"], "at": [latest]})

    def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
        yield pd.DataFrame({"user": [key[0]], "what": ["idle"], "at": [expiredTimerInfo.getExpiryTimeInMs()]})

    def close(self):
        pass


def click(user, page):
    return {"user": user, "page": page, "ts": "1970-01-01T00:00:01Z"}


def ev(user, ms):
    return {"user": user, "ts": pd.Timestamp(ms, unit="ms").isoformat() + "Z"}


result = {
    "tracker": run(
        [[click("ann", "/"), click("ann", "/a"), click("bob", "/")], [click("ann", "/")]],
        lambda df: df.groupBy("user").transformWithStateInPandas(
            statefulProcessor=Tracker(), outputStructType="user string, n long, history string, pages long",
            outputMode="Update", timeMode="None"),
        "user string, page string, ts timestamp"),
    "eventTimeTimers": run(
        [[ev("a", 5000)], [ev("b", 30000)], [ev("a", 1000)]],
        lambda df: df.withWatermark("ts", "10 seconds").groupBy("user").transformWithStateInPandas(
            statefulProcessor=IdleAlarm(), outputStructType="user string, what string, at long",
            outputMode="Update", timeMode="EventTime"),
        "user string, ts timestamp"),
    # a's timer (10 s) is replaced by one at 11 s in the next batch: only the new one fires.
    "timerReplaced": run(
        [[ev("a", 5000)], [ev("a", 6000)], [ev("b", 30000)]],
        lambda df: df.withWatermark("ts", "10 seconds").groupBy("user").transformWithStateInPandas(
            statefulProcessor=IdleAlarm(), outputStructType="user string, what string, at long",
            outputMode="Update", timeMode="EventTime"),
        "user string, ts timestamp"),
}
with open(os.path.join(HERE, "transform-with-state.json"), "w") as f:
    json.dump({"spark": spark.version, **result}, f, indent=1)
    f.write("\n")
print(json.dumps(result))
