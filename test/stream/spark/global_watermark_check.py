"""Spark's checkStreamingQueryGlobalWatermarkLimit in PySpark 4.3.0, for
test/stream/global-watermark-check.test.ts. Its answer (printed):
  update: agg(k) then dropDuplicates   RUNS   (the dedup key has no event time: not stateful for the check)
  update: window agg then window agg   ERROR  _LEGACY_ERROR_TEMP_3102 (Detected pattern of possible 'correctness' issue ...)
  complete: window agg then dedup      ERROR  _LEGACY_ERROR_TEMP_3102
  append: window agg then dedup        RUNS
Run: python3 test/stream/spark/global_watermark_check.py
"""
import os, tempfile
from pyspark.sql import SparkSession, functions as F
s = SparkSession.builder.master('local[1]').config('spark.ui.enabled','false').config('spark.sql.shuffle.partitions','1').getOrCreate()
s.sparkContext.setLogLevel('OFF')
d = tempfile.mkdtemp(); src = os.path.join(d, 'in'); os.makedirs(src)
open(os.path.join(src, '0.json'), 'w').write('{"k":"a","time":"1970-01-01T00:00:01Z"}\n')
df = s.readStream.schema('k string, time timestamp').json(src)
w = df.withWatermark('time', '1 second')
cases = {
 'update: agg(k) then dropDuplicates': ('update', lambda: w.groupBy('k').count().dropDuplicates(['k'])),
 'update: window agg then window agg': ('update', lambda: w.groupBy(F.window('time', '5 seconds')).count().groupBy(F.window('window', '10 seconds')).count()),
 'complete: window agg then dedup': ('complete', lambda: w.groupBy(F.window('time', '5 seconds')).count().dropDuplicates(['window'])),
 'append: window agg then dedup': ('append', lambda: w.groupBy(F.window('time', '5 seconds')).count().dropDuplicates(['window'])),
}
for name, (mode, build) in cases.items():
    try:
        q = build().writeStream.outputMode(mode).format('noop').option('checkpointLocation', tempfile.mkdtemp()).start()
        q.processAllAvailable(); q.stop(); print(name, 'RUNS')
    except Exception as e:
        print(name, 'ERROR', getattr(e, 'getErrorClass', lambda: None)(), str(e).split('\n')[0][:160])
