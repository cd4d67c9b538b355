"""The reference answers of test/stream/observe-spark.test.ts, from PySpark 4.x: Spark's observable
metrics (Dataset.observe / CollectMetrics) over the same input as the test. Writes observe.json
beside this file:

- per streaming scenario, `observedMetrics` of each batch's progress (as Spark's progress JSON has it);
- the batch Observation's `get` after collect();
- the error condition (error class) Spark refuses each bad observe() with (null when it accepts it).

Run: python3 test/stream/spark/observe.py  (needs pyspark and Java 17),
then `npx biome format --write test/stream/spark/observe.json`.
"""
import json, os, shutil, tempfile
from pyspark.sql import SparkSession, Observation
from pyspark.sql.functions import avg, col, count, count_distinct, lit, max, min, rand, sum

HERE = os.path.dirname(os.path.abspath(__file__))
spark = (SparkSession.builder.master("local[1]").config("spark.sql.shuffle.partitions", "2")
         .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
SCHEMA = "k string, v long"
STEPS = [
    [{"k": "a", "v": 1}, {"k": "b", "v": 2}, {"k": "a", "v": 3}],
    [{"k": "c", "v": 10}, {"k": "b", "v": None}],
    [{"k": "a", "v": 5}, {"k": "d", "v": 0}, {"k": "a", "v": 7}, {"k": "b", "v": 1}],
]


def stateless(df):
    return (df.observe("input", count(lit(1)).alias("rows"), sum("v").alias("total"), max(col("v")),
                       avg("v").alias("mean"), min("k").alias("first_key"))
            .filter(col("v") > 1)
            .observe("kept", count(lit(1)).alias("rows"), (sum("v") * 2 + lit(1)).alias("expr")))


def grouped(df):
    return df.groupBy("k").agg(count(lit(1)).alias("n")).observe(
        "groups", count(lit(1)).alias("groups"), sum("n").alias("rows"))


def run(build, mode, progress=None):
    """Writes each step's rows as a JSON file, runs the query on them, returns each batch's observedMetrics
    (and appends each batch's whole progress JSON to `progress`, when given)."""
    d = tempfile.mkdtemp()
    src, ck = os.path.join(d, "in"), os.path.join(d, "ck")
    os.makedirs(src)
    q = (build(spark.readStream.schema(SCHEMA).json(src)).writeStream.format("noop").outputMode(mode)
         .option("checkpointLocation", ck).start())
    out = []
    for i, rows in enumerate(STEPS):
        with open(os.path.join(src, f"{i:03}.json"), "w") as f:
            f.write("".join(json.dumps(r) + "\n" for r in rows))
        q.processAllAvailable()
        out.append(json.loads(q.lastProgress.json)["observedMetrics"])
        if progress is not None:
            progress.append(q.lastProgress.json)
    q.stop()
    shutil.rmtree(d)
    return out


def batch_df():
    return spark.createDataFrame([r for step in STEPS for r in step], SCHEMA)


def observation():
    obs = Observation("stats")
    batch_df().observe(obs, count(lit(1)).alias("rows"), sum("v").alias("total"), max("k")).collect()
    return obs.get


def condition(thunk):
    try:
        thunk()
        return None
    except Exception as e:  # noqa: BLE001 - the error class is the point
        for get in ("getCondition", "getErrorClass"):
            c = getattr(e, get, None)
            if c is not None and c() is not None:
                return c()
        return type(e).__name__ + ": " + str(e).split("\n")[0]


def refusals():
    df = batch_df()
    stream = spark.readStream.schema(SCHEMA).json(tempfile.mkdtemp())
    reused = Observation("reused")
    df.observe(reused, count(lit(1)))
    cases = {
        "missingName": lambda: df.observe("", count(lit(1))).collect(),
        "attribute": lambda: df.observe("m", col("v")).collect(),
        "attributeBesideAggregate": lambda: df.observe("m", sum("v") + col("v")).collect(),
        "distinct": lambda: df.observe("m", count_distinct("k")).collect(),
        "nested": lambda: df.observe("m", sum(max("v"))).collect(),
        "nonDeterministic": lambda: df.observe("m", sum("v") + rand()).collect(),
        "duplicateName": lambda: df.observe("m", count(lit(1))).observe("m", sum("v")).collect(),
        "noMetrics": lambda: df.observe("m").collect(),
        "reuseObservation": lambda: df.observe(reused, count(lit(1))),
        "getBeforeObserve": lambda: Observation("never").get,
        "streamingObservation": lambda: stream.observe(Observation("s"), count(lit(1))),
        # Accepted: a literal, and a non-deterministic function inside an aggregate.
        "literal": lambda: df.observe("m", lit(42).alias("answer")).collect(),
        "randInsideAggregate": lambda: df.observe("m", sum(rand())).collect(),
    }
    return {name: condition(thunk) for name, thunk in cases.items()}


progress_json = []
result = {
    "steps": STEPS,
    "stateless": run(stateless, "append", progress_json),
    "groupedUpdate": run(grouped, "update"),
    "groupedComplete": run(grouped, "complete"),
    "observation": observation(),
    "refusals": refusals(),
    # Spark's own progress JSON of the stateless query's last batch (remote progress parsing).
    "progressJson": progress_json[-1],
}
with open(os.path.join(HERE, "observe.json"), "w") as f:
    json.dump({"spark": spark.version, **result}, f, indent=1)
    f.write("\n")
print(json.dumps(result, indent=1))
