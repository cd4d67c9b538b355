"""Spark's answers for test/unit/analysis/column-pruning.test.ts: which projected columns Spark's
optimizer (ColumnPruning, CollapseProject) prunes, so that a CAST that raises under ANSI
(CAST('2.5' AS INT): CAST_INVALID_INPUT) in a column nothing reads never runs.

Run: python3 test/unit/analysis/spark/column_pruning.py  (needs pyspark and Java 17); prints, per
case, the sorted rows or the error, which the test's CASES table copies.
"""
import json, os
os.environ["TZ"] = "UTC"
from pyspark.sql import SparkSession, functions as F
spark = (SparkSession.builder.master("local[1]").config("spark.sql.shuffle.partitions", "1")
         .config("spark.ui.enabled", "false").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
df = spark.createDataFrame([("a", 1, "2.5"), ("b", 2, "7")], "k string, v long, s string")
other = spark.createDataFrame([("c", 3, "8")], "k string, v long, s string")
X = "CAST(s AS INT) AS x"
cases = {
  "aggUnused": lambda: df.selectExpr("*", X).groupBy("k").count(),
  "aggReads": lambda: df.selectExpr("*", X).groupBy("k").agg(F.sum("x")),
  "filterReads": lambda: df.selectExpr("*", X).filter("x > 0").groupBy("k").count(),
  "filterOther": lambda: df.selectExpr("*", X).filter("v > 0").groupBy("k").count(),
  "projectOver": lambda: df.selectExpr("*", X).select("k"),
  "projectTwice": lambda: df.selectExpr("*", X).select("k", "x").select("k"),
  "nonDeterministic": lambda: df.selectExpr("*", "CASE WHEN rand() < 2 THEN CAST(s AS INT) END AS x").groupBy("k").count(),
  "union": lambda: df.selectExpr("*", X).union(other.selectExpr("*", "1 AS x")).groupBy("k").count(),
  "dedup": lambda: df.selectExpr("*", X).dropDuplicates(["k"]),
  "dedupThenSelect": lambda: df.selectExpr("*", X).dropDuplicates(["k"]).select("k"),
  "caseGuard": lambda: df.selectExpr("*", X).selectExpr("k", "CASE WHEN v > 100 THEN x END AS y"),
  "caseGuardTwice": lambda: df.selectExpr("*", X).selectExpr("k", "CASE WHEN v > 100 THEN x END AS y", "CASE WHEN v > 200 THEN x END AS z"),
  "caseGuardNonDeterministic": lambda: df.selectExpr("*", "CAST(s AS INT) + CAST(rand() AS INT) AS x").selectExpr("k", "CASE WHEN v > 100 THEN x END AS y"),
  "caseGuardCheapTwice": lambda: df.selectExpr("*", "s AS x").selectExpr("k", "CASE WHEN v > 100 THEN CAST(x AS INT) END AS y", "CASE WHEN v > 200 THEN CAST(x AS INT) END AS z"),
  "filterGuardsAgg": lambda: df.selectExpr("*", X).filter("v > 1").groupBy("k").agg(F.sum("x").alias("sx")),
  "filterOnXGuards": lambda: df.selectExpr("*", X, "v > 1 AS big").filter("big AND x > 0").select("k", "x"),
  "caseGuardFilter": lambda: df.selectExpr("*", X).filter("v > 0").selectExpr("k", "CASE WHEN v > 100 THEN x END AS y"),
  "sortUnused": lambda: df.selectExpr("*", X).orderBy("v").select("k"),
  "windowUnused": lambda: df.selectExpr("*", X, "timestamp'2024-01-01 00:00:00' AS ts").groupBy(F.window("ts", "5 seconds")).count(),
  "explodeUnused": lambda: df.selectExpr("*", X).selectExpr("k", "explode(array(v, v)) AS e").groupBy("k").count(),
  "limitUnused": lambda: df.selectExpr("*", X).limit(5).select("k"),
  "joinUnused": lambda: df.selectExpr("*", X).join(other.selectExpr("k AS k2"), F.col("k") != F.col("k2")).select("k"),
}
out = {}
for name, build in cases.items():
    try:
        out[name] = sorted(json.dumps(r.asDict(recursive=True), default=str, sort_keys=True) for r in build().collect())
    except Exception as e:
        out[name] = {"error": str(e).splitlines()[0][:120]}
print(json.dumps(out, indent=1))
