"""The reference answers of test/stream/spark-semantics.test.ts, from PySpark 4.x: streaming
semantics where Sluice once differed from Spark (issue 17). Writes semantics.json beside this file:
per scenario, for each step (one JSON file of input rows), the batches Spark ran during the step as
[batchId, rows], counting the batches without data the watermark triggers. Stateful scenarios run
twice, the second time with a stop and restart after every step ("restarts"); refused queries give
{"error": <Spark's error class or first line>}.

Run: python3 test/stream/spark/semantics.py  (needs pyspark and Java 17),
then `npx biome format --write test/stream/spark/semantics.json`.
"""
import calendar, datetime, json, os, shutil, sys, tempfile, time

os.environ["TZ"] = "UTC"
time.tzset()
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

HERE = os.path.dirname(os.path.abspath(__file__))
spark = (SparkSession.builder.master("local[2]").config("spark.sql.shuffle.partitions", "2")
         .config("spark.sql.session.timeZone", "UTC").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
SCHEMA = "k string, v long, time timestamp"
ONLY = sys.argv[1:]


def plain(x):
    if isinstance(x, datetime.datetime):
        return calendar.timegm(x.utctimetuple()) * 1000 + x.microsecond // 1000
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [plain(v) for v in x]
    return x


def rows_of(df):
    return sorted((plain(r.asDict(recursive=True)) for r in df.collect()), key=json.dumps)


def ev(k, v, s):
    return {"k": k, "v": v, "time": None if s is None else f"1970-01-01T00:00:{s:02}Z" if s < 60
            else datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}


def run(steps, build, mode, restarts=False, static=None, union=False):
    """Writes each step's rows as a JSON file, runs the query; returns per step [[batchId, rows], ...].
    With union, rows with k = "c" go to a second input, and build takes both."""
    d = tempfile.mkdtemp()
    src, src2, ck = os.path.join(d, "in"), os.path.join(d, "in2"), os.path.join(d, "ck")
    os.makedirs(src)
    os.makedirs(src2)
    got = []

    def start():
        read = lambda path: spark.readStream.schema(SCHEMA).json(path)
        df = build(read(src), read(src2)) if union else build(read(src))
        return (df.writeStream.outputMode(mode).option("checkpointLocation", ck)
                .foreachBatch(lambda b, i: got.append([i, rows_of(b)])).start())
    try:
        q = start()
        out = []
        for i, rows in enumerate(steps):
            if static is not None and i > 0:
                static(i)
            parts = [[r for r in rows if r["k"] != "c"], [r for r in rows if r["k"] == "c"]] if union else [rows]
            for folder, part in zip((src, src2), parts):
                if part:
                    with open(os.path.join(folder, f"{i:03}.json"), "w") as f:
                        f.write("".join(json.dumps(r) + "\n" for r in part))
            q.processAllAvailable()
            time.sleep(3)  # let the batch without data that the watermark triggers run
            q.processAllAvailable()
            out.append(sorted(got))
            got.clear()
            if restarts:
                q.stop()
                q = start()
        q.stop()
        return out
    except Exception as e:  # a refused query
        msg = str(e)
        cause = [ln.strip() for ln in msg.splitlines() if "Exception:" in ln or "not supported" in ln]
        return {"error": getattr(e, "getCondition", lambda: None)() or msg.splitlines()[0],
                "cause": (cause or [msg.splitlines()[0]])[0][:300]}
    finally:
        shutil.rmtree(d)


def both(steps, build, mode):
    return {"straight": run(steps, build, mode), "restarts": run(steps, build, mode, restarts=True)}


W = lambda df, delay="0 seconds": df.withWatermark("time", delay)
CHAIN_STEPS = [[ev("a", 1, 1), ev("a", 1, 2), ev("a", 1, 6)], [ev("a", 1, 12)], [ev("a", 1, 23)],
               [ev("a", 1, 3)], [ev("a", 1, 41)]]
# CAST('1.5' AS INT) raises CAST_INVALID_INPUT under ANSI
BAD_X = "CAST(concat(CAST(v AS STRING), '.5') AS INT) AS x"
PRUNE_STEPS = [[ev("a", 1, 1), ev("b", 2, 3)], [ev("a", 1, 12)], [ev("a", 1, 25)]]
scenarios = {
    # 1. a window over an upstream aggregation's window keeps the watermark
    "chainWindowTime": lambda: both(CHAIN_STEPS, lambda df: W(df).groupBy(F.window("time", "5 seconds")).count()
                                    .groupBy(F.window(F.window_time("window"), "10 seconds"))
                                    .agg(F.sum("count").alias("n")), "append"),
    "chainWindowStruct": lambda: both(CHAIN_STEPS, lambda df: W(df).groupBy(F.window("time", "5 seconds")).count()
                                      .groupBy(F.window("window", "10 seconds"))
                                      .agg(F.sum("count").alias("n")), "append"),
    "chainWindowEnd": lambda: both(CHAIN_STEPS, lambda df: W(df).groupBy(F.window("time", "5 seconds")).count()
                                   .groupBy(F.window("window.end", "10 seconds"))
                                   .agg(F.sum("count").alias("n")), "append"),
    "dedupWindowTime": lambda: both(CHAIN_STEPS, lambda df: W(df).groupBy(F.window("time", "5 seconds")).count()
                                    .select(F.window_time("window").alias("wt"), "count")
                                    .dropDuplicates(["wt"]), "append"),
    # 2. a filter after withWatermark is pushed below it unless it names the event time
    "filterPushed": lambda: both([[ev("a", 1, 1), ev("x", -1, 50)], [ev("a", 1, 3)], [ev("a", 1, 30)], [ev("a", 1, 59)]],
                                 lambda df: W(df, "5 seconds").filter(F.col("v") > 0)
                                 .groupBy(F.window("time", "10 seconds")).count(), "append"),
    "filterPushedThroughProject": lambda: both([[ev("a", 1, 1), ev("x", -1, 50)], [ev("a", 1, 3)], [ev("a", 1, 30)], [ev("a", 1, 59)]],
                                               lambda df: W(df, "5 seconds").select("time", (F.col("v") * 2).alias("w"))
                                               .filter(F.col("w") > 0)
                                               .groupBy(F.window("time", "10 seconds")).count(), "append"),
    "filterOnTimeKept": lambda: both([[ev("a", 1, 1), ev("x", 1, 50)], [ev("a", 1, 3)], [ev("a", 1, 30)], [ev("a", 1, 59)]],
                                     lambda df: W(df, "5 seconds").filter(F.col("time") < F.lit("1970-01-01 00:00:40").cast("timestamp"))
                                     .groupBy(F.window("time", "10 seconds")).count(), "append"),
    # 3. complete mode: no batches without data; groupBy(k) with a watermark in update mode runs them
    "completeWindow": lambda: both([[ev("a", 1, 1)], [ev("a", 1, 12)], [ev("a", 1, 3)], [ev("a", 1, 30)]],
                                   lambda df: W(df).groupBy(F.window("time", "10 seconds")).count(), "complete"),
    "updateKeyWithWatermark": lambda: both([[ev("a", 1, 1)], [ev("b", 1, 12)], [ev("a", 1, 3)], [ev("c", 1, 30)]],
                                           lambda df: W(df).groupBy("k").count(), "update"),
    # 4. session windows in complete mode keep late rows; no other grouping key is refused
    "sessionComplete": lambda: both([[ev("a", 1, 1), ev("a", 1, 3)], [ev("a", 1, 30)], [ev("a", 1, 2)], [ev("a", 1, 10)]],
                                    lambda df: W(df).groupBy(F.session_window("time", "5 seconds"), "k").count(),
                                    "complete"),
    "sessionAppendLate": lambda: both([[ev("a", 1, 1), ev("a", 1, 3)], [ev("a", 1, 30)], [ev("a", 1, 2)], [ev("a", 1, 50)]],
                                      lambda df: W(df).groupBy(F.session_window("time", "5 seconds"), "k").count(),
                                      "append"),
    "sessionNoKey": lambda: run([[ev("a", 1, 1)]],
                                lambda df: W(df).groupBy(F.session_window("time", "5 seconds")).count(), "complete"),
    # 5. dropDuplicatesWithinWatermark: a NULL event time counts as 0 and expires
    "dedupWithinNullTime": lambda: both([[ev("a", 1, None)], [ev("a", 2, None), ev("b", 1, 20)], [ev("a", 3, 21)],
                                         [ev("a", 4, None)]],
                                        lambda df: W(df, "5 seconds").dropDuplicatesWithinWatermark(["k"]), "append"),
    # 6. a projected column nothing reads is pruned (ColumnPruning), so its ANSI error never happens
    "unusedColumnPruned": lambda: both(PRUNE_STEPS, lambda df: W(df).selectExpr("*", BAD_X)
                                       .groupBy(F.window("time", "10 seconds")).count(), "update"),
    "readColumnFails": lambda: run(PRUNE_STEPS[:1], lambda df: W(df).selectExpr("*", BAD_X)
                                   .groupBy(F.window("time", "10 seconds")).agg(F.sum("x").alias("s")), "update"),
}



def dedup_state_rows():
    """Per step, the rows the dedupe operator keeps (stateOperators numRowsTotal): eviction shows."""
    d = tempfile.mkdtemp()
    src = os.path.join(d, "in")
    os.makedirs(src)
    q = (W(spark.readStream.schema(SCHEMA).json(src)).groupBy(F.window("time", "5 seconds")).count()
         .select(F.window_time("window").alias("wt"), "count").dropDuplicates(["wt"])
         .writeStream.outputMode("append").format("noop").option("checkpointLocation", os.path.join(d, "ck")).start())
    out = []
    for i, rows in enumerate(CHAIN_STEPS):
        with open(os.path.join(src, f"{i:03}.json"), "w") as f:
            f.write("".join(json.dumps(r) + "\n" for r in rows))
        q.processAllAvailable()
        time.sleep(2)
        q.processAllAvailable()
        out.append([o["numRowsTotal"] for o in q.lastProgress["stateOperators"] if o["operatorName"] == "dedupe"])
    q.stop()
    shutil.rmtree(d)
    return out


def commits_purged():
    """Three steps counted by key, then commits/1 and commits/2 removed (commits/0 kept) and the
    query started again: the batches it runs then (Spark reruns batch 2)."""
    d = tempfile.mkdtemp()
    src, ck = os.path.join(d, "in"), os.path.join(d, "ck")
    os.makedirs(src)
    got = []
    start = lambda: (spark.readStream.schema(SCHEMA).json(src).groupBy("k").count().writeStream
                     .outputMode("update").option("checkpointLocation", ck)
                     .foreachBatch(lambda b, i: got.append([i, rows_of(b)])).start())
    q = start()
    for i, rows in enumerate([[ev("a", 1, 1)], [ev("a", 1, 2), ev("b", 1, 2)], [ev("b", 1, 3), ev("c", 1, 3)]]):
        with open(os.path.join(src, f"{i:03}.json"), "w") as f:
            f.write("".join(json.dumps(r) + "\n" for r in rows))
        q.processAllAvailable()
    q.stop()
    before = sorted(got)
    got.clear()
    for n in (1, 2):
        os.remove(os.path.join(ck, "commits", str(n)))
        if os.path.exists(os.path.join(ck, "commits", f".{n}.crc")):
            os.remove(os.path.join(ck, "commits", f".{n}.crc"))
    q = start()
    q.processAllAvailable()
    q.stop()
    shutil.rmtree(d)
    return {"before": before, "after": sorted(got)}


def static_join(cache):
    """A stream joined with a static JSON folder: step 1 rewrites the static file (same size) and
    adds a second one; does the join see the new content, the new file?"""
    d = tempfile.mkdtemp()
    st = os.path.join(d, "static")
    os.makedirs(st)
    with open(os.path.join(st, "s0.json"), "w") as f:
        f.write('{"k": "a", "name": "A1"}\n')
    static = spark.read.schema("k string, name string").json(st)
    if cache:
        static = static.cache()

    def change(i):
        with open(os.path.join(st, "s0.json"), "w") as f:
            f.write('{"k": "a", "name": "A2"}\n')
        with open(os.path.join(st, "s1.json"), "w") as f:
            f.write('{"k": "b", "name": "B1"}\n')
    try:
        return run([[ev("a", 1, 1)], [ev("a", 2, 2), ev("b", 2, 2)]],
                   lambda df: df.join(static, "k").select("k", "v", "name"), "append", static=change)
    finally:
        shutil.rmtree(d)


scenarios["filterPushedThroughUnion"] = lambda: {
    key: run([[ev("a", 1, 1), ev("c", 1, 2)], [ev("a", -1, 40), ev("c", -1, 50)], [ev("a", 1, 3), ev("c", 1, 4)], [ev("a", 1, 30), ev("c", 1, 31)]],
             lambda df, df2: W(df, "5 seconds").union(W(df2)).filter(F.col("v") > 0)
             .groupBy(F.window("time", "10 seconds")).count(), "append", restarts=key == "restarts", union=True)
    for key in ("straight", "restarts")}
# a union of a watermarked and an unwatermarked input, update mode: the no-data batch after a
# watermark move runs as Spark runs it (same batch ids)
scenarios["unionUnwatermarked"] = lambda: {
    key: run([[ev("a", 1, 1), ev("c", 1, 2)], [ev("a", 2, 12)], [ev("c", 3, 3), ev("a", 4, 20)], [ev("c", 5, 30)]],
             lambda df, df2: W(df, "2 seconds").union(df2)
             .groupBy(F.window("time", "5 seconds")).agg(F.sum("v").alias("s")), "update",
             restarts=key == "restarts", union=True)
    for key in ("straight", "restarts")}
scenarios["dedupWindowTimeState"] = dedup_state_rows
scenarios["commitsPurged"] = commits_purged
scenarios["staticJoin"] = lambda: static_join(False)
scenarios["staticJoinCached"] = lambda: static_join(True)

result = {"spark": spark.version}
for name, f in scenarios.items():
    if ONLY and name not in ONLY:
        continue
    t0 = time.time()
    result[name] = f()
    print(name, round(time.time() - t0), json.dumps(result[name])[:300], flush=True)
path = os.path.join(HERE, "semantics.json")
if ONLY and os.path.exists(path):
    with open(path) as f:
        result = {**json.load(f), **result}
with open(path, "w") as f:
    json.dump(result, f, indent=1)
