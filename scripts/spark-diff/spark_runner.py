"""The Spark side of `npm run spark-diff`: one long-lived PySpark session that reads scenarios
(scripts/spark-diff/scenario.ts, one JSON object a line) on stdin and answers each on stdout with
{"seed": ..., "steps": [[[batchId, rows], ...] per step]} or {"seed": ..., "error": ...}, running
it as sluice-runner.ts does: one JSON file per step, processAllAvailable() after each (twice:
the first wait may end on a trigger that listed the folder before the file was written).
"""
import calendar, datetime, json, os, shutil, sys, tempfile, time

os.environ["TZ"] = "UTC"
time.tzset()
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = (SparkSession.builder.master("local[2]").config("spark.sql.shuffle.partitions", "1")
         .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
SCHEMA = "k string, v long, time timestamp"


def plain(x):
    if isinstance(x, datetime.datetime):
        return calendar.timegm(x.utctimetuple()) * 1000 + x.microsecond // 1000
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [plain(v) for v in x]
    return x


def rows_of(df):
    return sorted((plain(r.asDict(recursive=True)) for r in df.collect()), key=lambda r: json.dumps(r, separators=(",", ":")))


def secs(n):
    return f"{n:g} seconds"


def build(s, df, df2):
    q = df.withWatermark("time", secs(s["delay"]))
    if s["union"]:
        q = q.union(df2 if s.get("unwatermarked2") else df2.withWatermark("time", secs(s["delay2"])))
    if s["filterAbove"] is not None:
        q = q.filter(F.col("v") > s["filterAbove"])
    if s.get("x") is not None:
        q = q.selectExpr("*", f"{s['x']} AS x")
    sh = s["shape"]
    kind = sh["kind"]
    aggs = [F.count("*").alias("n"), F.sum("v").alias("s")]
    if kind == "window":
        return q.groupBy(F.window("time", secs(sh["size"]), secs(sh["slide"]))).agg(*aggs)
    if kind == "session":
        return q.groupBy(F.session_window("time", secs(sh["gap"])), "k").agg(*aggs)
    if kind == "key":
        return q.groupBy("k").agg(*aggs)
    if kind == "dedup":
        return q.dropDuplicates(sh["keys"])
    if kind == "dedupWithin":
        return q.dropDuplicatesWithinWatermark(["k"])
    inner = q.groupBy(F.window("time", secs(sh["size"]))).agg(F.count("*").alias("n"))
    return inner.groupBy(F.window(F.window_time("window"), secs(sh["outer"]))).agg(F.sum("n").alias("n"))


def line(r):
    t = r["time"]
    iso = None if t is None else datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return json.dumps({"k": r["k"], "v": r["v"], "time": iso}) + "\n"


def run(s):
    d = tempfile.mkdtemp()
    src, src2, ck = os.path.join(d, "in"), os.path.join(d, "in2"), os.path.join(d, "ck")
    os.makedirs(src)
    os.makedirs(src2)
    read = lambda path: spark.readStream.schema(SCHEMA).json(path)
    got = []
    start = lambda: (build(s, read(src), read(src2)).writeStream.outputMode(s["mode"])
                     .option("checkpointLocation", ck)
                     .foreachBatch(lambda b, i: got.append([i, rows_of(b)])).start())
    q = None
    try:
        q = start()
        steps = []
        for i, rows in enumerate(s["steps"]):
            parts = [[r for r in rows if r["k"] != "c"], [r for r in rows if r["k"] == "c"]] if s["union"] else [rows]
            for folder, part in zip((src, src2), parts):
                if part:
                    with open(os.path.join(folder, f"{i:03}.json"), "w") as f:
                        f.write("".join(line(r) for r in part))
            q.processAllAvailable()
            # A trigger that listed the folder before the file was written may end the first wait
            # early; the second waits for a trigger started after it (no-data batches included).
            q.processAllAvailable()
            steps.append(sorted(got, key=lambda b: b[0]))
            got.clear()
            if s["restarts"]:
                q.stop()
                q = start()
        return {"steps": steps}
    except Exception as e:  # refused or failed
        return {"error": str(e).splitlines()[0][:300]}
    finally:
        if q is not None:
            q.stop()
        shutil.rmtree(d, ignore_errors=True)


print(json.dumps({"ready": spark.version}), flush=True)
for raw in sys.stdin:
    if raw.strip():
        s = json.loads(raw)
        print(json.dumps({"seed": s["seed"], **run(s)}), flush=True)
