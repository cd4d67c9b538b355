"""The reference answers of test/stream/transform-with-state-chain.test.ts, from PySpark 4.x:
transformWithStateInPandas with eventTimeColumnName feeding an append-mode window count, and the
combinations Spark refuses. Writes transform-with-state-chain.json beside this file: per scenario,
the rows each step adds to the sink, and the error class that stopped it (null if none).

Run: python3 test/stream/spark/transform-with-state-chain.py  (needs pyspark, pandas, pyarrow,
protobuf, grpcio and Java 17),
then `npx biome format --write test/stream/spark/transform-with-state-chain.json`.
"""
import json, os, re, shutil, tempfile, time
import pandas as pd
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, window
from pyspark.sql.streaming.stateful_processor import StatefulProcessor

HERE = os.path.dirname(os.path.abspath(__file__))
spark = (SparkSession.builder.master("local[2]").config("spark.sql.shuffle.partitions", "2")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.sql.streaming.stateStore.providerClass",
                 "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
         .getOrCreate())
spark.sparkContext.setLogLevel("OFF")
SCHEMA = "user string, ts timestamp"
OUT = "user string, ts timestamp, n long"


def error_class(e):
    """The error's class (e.g. CANNOT_ASSIGN_EVENT_TIME_COLUMN_WITHOUT_WATERMARK), or the first
    sentence of a legacy error's message."""
    found = [c for c in re.findall(r"\[([A-Z_.]+)\]", str(e)) if c != "STREAM_FAILED"]
    if found:
        return found[0]
    return str(e).split("terminated with exception: ")[-1].split(".")[0]


def ms(v):
    return int(pd.Timestamp(v).tz_localize("UTC").value // 1_000_000) if hasattr(v, "year") else v


def run(steps, build):
    """Runs `steps` (lists of input rows), one file each; returns the new sink rows per step."""
    d = tempfile.mkdtemp()
    src, ck = os.path.join(d, "in"), os.path.join(d, "ck")
    os.makedirs(src)
    name = "sink_" + os.path.basename(d).replace("-", "_")
    out, error, seen = [], None, 0
    try:
        q = (build(spark.readStream.schema(SCHEMA).json(src)).writeStream.outputMode("append")
             .format("memory").queryName(name).option("checkpointLocation", ck).start())
        for i, rows in enumerate(steps):
            with open(os.path.join(src, f"{i:03}.json"), "w") as f:
                f.write("".join(json.dumps(r) + "\n" for r in rows))
            q.processAllAvailable()
            time.sleep(2)
            q.processAllAvailable()
            now = [{k: ms(v) for k, v in r.asDict().items()} for r in spark.table(name).collect()]
            out.append(sorted(now[seen:], key=json.dumps))
            seen = len(now)
        q.stop()
    except Exception as e:
        error = error_class(e)
    shutil.rmtree(d)
    return {"steps": out, "error": error}


class FirstSeen(StatefulProcessor):
    """Per group and batch: the earliest event time of its rows and how many there were."""
    def init(self, handle):
        pass

    def handleInputRows(self, key, rows, timerValues):
        ts, n = None, 0
        for pdf in rows:
            for t in pdf["ts"]:
                n += 1
                ts = t if ts is None or t < ts else ts
        yield pd.DataFrame({"user": [key[0]], "ts": [ts], "n": [n]})

    def close(self):
        pass


class Epoch(StatefulProcessor):
    """Emits every group at event time 1 ms: behind the watermark once it passes 1 ms."""
    def init(self, handle):
        pass

    def handleInputRows(self, key, rows, timerValues):
        n = sum(len(p) for p in rows)
        yield pd.DataFrame({"user": [key[0]], "ts": [pd.Timestamp(1, unit="ms")], "n": [n]})

    def close(self):
        pass


class IdleOut(StatefulProcessor):
    """Keeps one event-time timer 5 s after a group's latest row; when it fires, emits the group
    at the timer's time with how many rows it saw."""
    def init(self, handle):
        self.handle = handle
        self.count = handle.getValueState("count", "n long")

    def handleInputRows(self, key, rows, timerValues):
        latest, n = 0, 0
        for pdf in rows:
            for t in pdf["ts"]:
                n += 1
                latest = max(latest, int(t.value // 1_000_000))
        old = self.count.get()
        self.count.update(((old[0] if old else 0) + n,))
        for timer in list(self.handle.listTimers()):
            self.handle.deleteTimer(timer)
        self.handle.registerTimer(latest + 5000)
        return iter([])

    def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
        at = expiredTimerInfo.getExpiryTimeInMs()
        n = self.count.get()[0]
        self.count.clear()
        yield pd.DataFrame({"user": [key[0]], "ts": [pd.Timestamp(at, unit="ms")], "n": [n]})

    def close(self):
        pass


def ev(user, t):
    return {"user": user, "ts": pd.Timestamp(t, unit="ms").isoformat() + "Z"}


STEPS = [[ev("a", 1000), ev("b", 2000)], [ev("a", 30000)], [ev("c", 5000), ev("b", 45000)], [ev("c", 60000)]]


def tws(df, processor=FirstSeen, time_mode="EventTime", event_time="ts", watermark=True):
    if watermark:
        df = df.withWatermark("ts", "10 seconds")
    return df.groupBy("user").transformWithStateInPandas(
        statefulProcessor=processor(), outputStructType=OUT, outputMode="Append",
        timeMode=time_mode, eventTimeColumnName=event_time)


def count10s(df):
    return (df.groupBy(window(col("ts"), "10 seconds")).count()
            .select(col("window.start").alias("start"), col("count").alias("n")))


result = {
    # eventTimeColumnName carries the watermark: the window count emits in append mode.
    "chain": run(STEPS, lambda df: count10s(tws(df))),
    # TimeMode None with eventTimeColumnName: late input is not dropped, so c@5000 comes out at 5000.
    # Rows emitted by event-time timers (between the previous and the current watermark) feed it too.
    "timerChain": run(STEPS, lambda df: count10s(tws(df, processor=IdleOut))),
    "chainTimeModeNone": run(STEPS, lambda df: count10s(tws(df, time_mode="None"))),
    "withoutEventTimeColumn": run(STEPS, lambda df: count10s(tws(df, event_time=""))),
    "withoutWatermark": run(STEPS, lambda df: tws(df, watermark=False)),
    "rewatermarked": run(STEPS, lambda df: count10s(tws(df, event_time="").withWatermark("ts", "10 seconds"))),
    "olderThanWatermark": run(STEPS, lambda df: tws(df, processor=Epoch)),
}
with open(os.path.join(HERE, "transform-with-state-chain.json"), "w") as f:
    json.dump({"spark": spark.version, **result}, f, indent=1)
    f.write("\n")
print(json.dumps(result))
