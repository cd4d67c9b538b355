"""The reference answers of test/stream/transform-with-state-modes.test.ts, from PySpark 4.3:
transformWithState's time-mode rules (TTL only in ProcessingTime mode, timers not in None mode,
the times a processor sees), which output-mode combinations run, and what a batch query does with
timers and TTL. Writes transform-with-state-modes.json beside this file: per scenario, the sorted
rows (the `what` column) or the error class.

Run: python3 test/stream/spark/transform-with-state-modes.py  (needs pyspark, pandas, pyarrow,
protobuf, grpcio and Java 17),
then `npx biome format --write test/stream/spark/transform-with-state-modes.json`.
"""
import datetime, json, os, re, tempfile
import pandas as pd
from pyspark.sql import SparkSession
from pyspark.sql.streaming.stateful_processor import StatefulProcessor

HERE = os.path.dirname(os.path.abspath(__file__))
spark = (SparkSession.builder.master("local[2]").config("spark.sql.shuffle.partitions", "2")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.sql.streaming.stateStore.providerClass",
                 "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
         .getOrCreate())
spark.sparkContext.setLogLevel("OFF")
OUT = "user string, what string"


def error_class(e):
    found = [c for c in re.findall(r"\[([A-Z_.]+)\]", str(e)) if c not in ("STREAM_FAILED", "PYTHON_EXCEPTION")]
    return found[-1] if found else type(e).__name__


class Probe(StatefulProcessor):
    """Reports the times it sees (processing time as 'now' when it is a real clock reading);
    optionally registers timers at 1 s and in the far future, and keeps a count with a TTL."""
    def __init__(self, ttl=None, timers=False):
        self.ttl, self.timers = ttl, timers

    def init(self, handle):
        self.handle = handle
        self.v = handle.getValueState("v", "n long", self.ttl)

    def handleInputRows(self, key, rows, timerValues):
        pt = timerValues.getCurrentProcessingTimeInMs()
        what = "pt=%s wm=%s" % ("now" if pt > 10**12 else pt, timerValues.getCurrentWatermarkInMs())
        if self.timers:
            self.handle.registerTimer(1000)
            self.handle.registerTimer(10**15)
        self.v.update((sum(len(p) for p in rows),))
        yield pd.DataFrame({"user": [key[0]], "what": [what]})

    def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
        yield pd.DataFrame({"user": [key[0]], "what": [
            "fired %s v=%s" % (expiredTimerInfo.getExpiryTimeInMs(), self.v.get()[0])]})

    def close(self):
        pass


def batch(time_mode, watermark=False, **kw):
    df = spark.createDataFrame([("a", datetime.datetime(1970, 1, 1, 0, 0, 5))], "user string, ts timestamp")
    if watermark:
        df = df.withWatermark("ts", "1 second")
    try:
        rows = df.groupBy("user").transformWithStateInPandas(
            statefulProcessor=Probe(**kw), outputStructType=OUT, outputMode="Append", timeMode=time_mode).collect()
        return {"rows": sorted(r.what for r in rows), "error": None}
    except Exception as e:
        return {"rows": None, "error": error_class(e)}


def stream(time_mode, declared, query_mode, **kw):
    d = tempfile.mkdtemp()
    src = os.path.join(d, "in")
    os.makedirs(src)
    with open(os.path.join(src, "0.json"), "w") as f:
        f.write(json.dumps({"user": "a", "ts": "1970-01-01T00:00:05Z"}) + "\n")
    name = "modes_" + os.path.basename(d).replace("-", "_")
    try:
        q = (spark.readStream.schema("user string, ts timestamp").json(src).groupBy("user")
             .transformWithStateInPandas(statefulProcessor=Probe(**kw), outputStructType=OUT,
                                         outputMode=declared, timeMode=time_mode)
             .writeStream.outputMode(query_mode).format("memory").queryName(name)
             .option("checkpointLocation", os.path.join(d, "ck")).start())
        q.processAllAvailable()
        q.stop()
        return {"rows": sorted(r.what for r in spark.table(name).collect()), "error": None}
    except Exception as e:
        return {"rows": None, "error": error_class(e)}


result = {
    "batchNone": batch("None"),
    "batchProcessingTime": batch("ProcessingTime", ttl=1, timers=True),
    "batchEventTime": batch("EventTime", watermark=True, timers=True),
    "batchTtlTimeModeNone": batch("None", ttl=1),
    "batchTimerTimeModeNone": batch("None", timers=True),
    "streamEventTimeWithoutWatermark": stream("EventTime", "Append", "append"),
    "streamUpdateInAppendQuery": stream("None", "Update", "append"),
    "streamAppendInUpdateQuery": stream("None", "Append", "update"),
    "streamTtlTimeModeNone": stream("None", "Append", "append", ttl=1),
    "streamTimerTimeModeNone": stream("None", "Append", "append", timers=True),
    "streamCompleteQuery": stream("None", "Append", "complete"),
}
with open(os.path.join(HERE, "transform-with-state-modes.json"), "w") as f:
    json.dump({"spark": spark.version, **result}, f, indent=1)
    f.write("\n")
print(json.dumps(result))
