#!/usr/bin/env python3
"""The Nexmark queries of bench/nexmark-suite.ts in PySpark Structured Streaming: Sluice's peer.

One long-lived process driven run by run (bench/nexmark-fair.ts, `npm run bench -- --peers spark`),
so the JVM's start is never timed:

    python3 nexmark_spark.py --cores N --shuffle-partitions P [--kafka-bootstrap HOST:PORT ...]

It starts the SparkSession (`local[N]`), prints one line `@@spark {"ok": true, "ready": true, ...}`
and then answers each JSON command read on stdin with one `@@spark {...}` line on stdout:

    {"op": "run", "query": "q0", "source": DIR-or-TOPIC}  -> {"ok": true, "ms": ..., "cpuMs": ...}
    {"op": "stop"}                                         -> {"ok": true, "jvmPeakRssBytes": ...}

A run is a fresh streaming query: `readStream.schema(bid).option('maxFilesPerTrigger', 1)
.parquet(DIR)` (a batch is one file: the same bids as one of Sluice's batches) or the Kafka topic
with `maxOffsetsPerTrigger` = --per-batch -> the query -> the `noop` sink (q10: partitioned Parquet
files), `trigger(availableNow=True)`, a fresh checkpoint. Timed: the wall clock from building the
DataFrame (as on Sluice's side) to `awaitTermination()` returning, and the CPU time the JVM used
meanwhile (every thread of the process: executors, GC, JIT): utime + stime of the java process
from /proc/<jvm pid>/stat, in clock ticks (10 ms; `cpuClock` in the ready line). The Python
driver's own CPU time (it waits in awaitTermination) is reported apart as `pythonCpuMs`. Before
each run: System.gc() and a 0.3 s pause, untimed.

The join queries (q3, q4, q6, q9, q20, q23: EVENT_QUERIES) read Parquet files of every event (event_type and
the person/auction/bid structs) instead of the bids; the same DataFrame code as Sluice's.

Where the PySpark queries differ from Sluice's, and why:
- count(DISTINCT x) (q15, q16): Spark rejects distinct aggregates on streams ("Distinct
  aggregations are not supported on streaming DataFrames/Datasets"), so they are
  size(collect_set(x)), which is the same number (collect_set skips NULLs, as count does).
- count_char(extra, 'c') (q14): a Python UDF would add Python serialization that Flink's Java UDF
  does not have; length(extra) - length(replace(extra, 'c', '')) counts the same ASCII bytes.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

MARKER = '@@spark '


def log(msg):
    print(f'spark: {msg}', file=sys.stderr, flush=True)


def build_queries(spark):
    """Query name -> (function of the bid stream, output mode)."""
    from pyspark.sql import functions as F

    col = F.col
    price = col('price')
    ranks = [price < 10000, (price >= 10000) & (price < 1000000), price >= 1000000]

    def rank_counts():
        return [F.count('*').alias('total_bids')] + [
            F.count(F.when(r, 1)).alias(f'rank{i + 1}_bids') for i, r in enumerate(ranks)
        ]

    def rank_distinct(c, name):
        return [F.size(F.collect_set(c)).alias(f'total_{name}')] + [
            F.size(F.collect_set(F.when(r, col(c)))).alias(f'rank{i + 1}_{name}') for i, r in enumerate(ranks)
        ]

    day = F.date_format('dateTime', 'yyyy-MM-dd').alias('day')
    euros = F.lit(0.908) * price
    channel_id_pattern = '(&|^)channel_id=([^&]*)'
    side = spark.range(10000).select(col('id').alias('key'), col('id').cast('string').alias('value'))

    def q14(b):
        h = F.hour('dateTime')
        kind = F.when((h >= 8) & (h <= 18), 'dayTime').when((h <= 6) | (h >= 20), 'nightTime').otherwise('otherTime')
        c_counts = F.expr("length(extra) - length(replace(extra, 'c', ''))")
        return b.where((euros > 1000000) & (euros < 50000000)).select(
            'auction', 'bidder', euros.alias('price'), kind.alias('bidTimeType'), 'dateTime', 'extra',
            c_counts.alias('c_counts'))

    def q21(b):
        ch = F.lower('channel')
        extracted = F.when(col('url').rlike(channel_id_pattern), F.regexp_extract('url', channel_id_pattern, 2))
        cid = (F.when(ch == 'apple', '0').when(ch == 'google', '1').when(ch == 'facebook', '2')
               .when(ch == 'baidu', '3').otherwise(extracted))
        return b.select('auction', 'bidder', 'price', 'channel', cid.alias('channel_id')).where(
            col('channel_id').isNotNull())

    def q22(b):
        parts = b.select('auction', 'bidder', 'price', 'channel', F.split('url', '/').alias('parts'))
        dirs = [F.when(F.size('parts') > i, F.element_at('parts', i + 1)).alias(f'dir{i - 2}') for i in (3, 4, 5)]
        return parts.select('auction', 'bidder', 'price', 'channel', *dirs)

    def q5(b):
        counts = (b.withWatermark('dateTime', '4 seconds')
                  .groupBy(F.window('dateTime', '10 seconds', '2 seconds'), 'auction').agg(F.count('*').alias('num')))
        return (counts.groupBy('window')
                .agg(F.max('num').alias('maxn'), F.collect_list(F.struct('auction', 'num')).alias('counts'))
                .select(F.explode('counts').alias('c'), 'maxn').where(col('c.num') >= col('maxn'))
                .select(col('c.auction').alias('auction'), col('c.num').alias('num')))

    def q7(b):
        return (b.withWatermark('dateTime', '4 seconds').groupBy(F.window('dateTime', '10 seconds'))
                .agg(F.max('price').alias('maxprice'),
                     F.collect_list(F.struct('auction', 'bidder', 'price', 'dateTime', 'extra')).alias('bids'))
                .select(F.explode('bids').alias('b'), 'maxprice').where(col('b.price') == col('maxprice'))
                .select('b.auction', 'b.bidder', 'b.price', 'b.dateTime', 'b.extra'))

    def q11(b):
        return (b.withWatermark('dateTime', '4 seconds')
                .groupBy('bidder', F.session_window('dateTime', '10 seconds')).agg(F.count('*').alias('bid_count'))
                .select('bidder', 'bid_count', col('session_window.start').alias('starttime'),
                        col('session_window.end').alias('endtime')))

    def q12(b):
        return (b.withColumn('p_time', F.current_timestamp())
                .groupBy('bidder', F.window('p_time', '10 seconds')).agg(F.count('*').alias('bid_count'))
                .select('bidder', 'bid_count', col('window.start').alias('starttime'),
                        col('window.end').alias('endtime')))

    def q13(b):
        return b.join(side, (b.auction % 10000) == side.key).select('auction', 'bidder', 'price', 'dateTime', 'value')

    def q17(b):
        return b.groupBy('auction', day).agg(
            *rank_counts(), F.min('price').alias('min_price'), F.max('price').alias('max_price'),
            F.avg('price').alias('avg_price'), F.sum('price').alias('sum_price'))

    def q18(b):
        last = F.max(F.struct('dateTime', 'price', 'channel', 'url', 'extra')).alias('last')
        return b.groupBy('bidder', 'auction').agg(last).select(
            'auction', 'bidder', 'last.price', 'last.channel', 'last.url', 'last.dateTime', 'last.extra')

    def view(e, event_type, entity):
        return e.where(col('event_type') == event_type).select(f'{entity}.*')

    def q3(e):
        a = view(e, 1, 'auction').where(col('category') == 10).alias('A')
        p = view(e, 0, 'person').where(col('state').isin('OR', 'ID', 'CA')).alias('P')
        return a.join(p, col('A.seller') == col('P.id')).select('P.name', 'P.city', 'P.state', 'A.id')

    def q20(e):
        b = view(e, 2, 'bid').alias('B')
        a = view(e, 1, 'auction').where(col('category') == 10).alias('A')
        bid_cols = [col(f'B.{c}').alias(c) for c in ('auction', 'bidder', 'price', 'channel', 'url', 'dateTime', 'extra')]
        auction_cols = [col(f'A.{c}').alias(c) for c in
                        ('itemName', 'description', 'initialBid', 'reserve', 'expires', 'seller', 'category')]
        return b.join(a, col('B.auction') == col('A.id')).select(
            *bid_cols, *auction_cols, col('A.dateTime').alias('auctionDateTime'), col('A.extra').alias('auctionExtra'))

    def q23(e):
        b, p, a = view(e, 2, 'bid').alias('B'), view(e, 0, 'person').alias('P'), view(e, 1, 'auction').alias('A')
        return (b.join(p, col('P.id') == col('B.bidder')).join(a, col('A.seller') == col('B.bidder'))
                .select('B.auction', 'B.bidder', 'B.price', 'B.dateTime', 'P.name', 'P.city', 'P.state',
                        col('A.id').alias('sellerAuction'), 'A.category'))

    def auction_bids(e):
        # As bench/nexmark-auction-queries.ts: the lifetime condition plus the 20 s bound that lets
        # the auction side's state go.
        a = view(e, 1, 'auction').withWatermark('dateTime', '4 seconds').alias('A')
        b = view(e, 2, 'bid').withWatermark('dateTime', '4 seconds').alias('B')
        return a.join(b, F.expr('A.id = B.auction AND B.dateTime >= A.dateTime AND B.dateTime <= A.expires AND '
                                'B.dateTime <= A.dateTime + INTERVAL 20 SECONDS'))

    def q4(e):
        finals = auction_bids(e).groupBy(col('A.id'), col('A.category'), col('A.dateTime')).agg(
            F.max('B.price').alias('final'))
        return (finals.groupBy(F.window('dateTime', '10 seconds'), 'category').agg(F.avg('final').alias('final'))
                .select('category', col('window.start').alias('starttime'), col('window.end').alias('endtime'),
                        'final'))

    auction_fields = ('id', 'itemName', 'description', 'initialBid', 'reserve', 'dateTime', 'expires', 'seller',
                      'category', 'extra')

    def q9(e):
        winner = F.struct(col('B.price').alias('price'), (-F.unix_millis(col('B.dateTime'))).alias('negTime'),
                          col('B.bidder').alias('bidder'), col('B.extra').alias('extra'),
                          col('B.dateTime').alias('dateTime'))
        auction = F.struct(*[col(f'A.{c}').alias(c) for c in auction_fields])
        return (auction_bids(e).groupBy(col('A.id'), col('A.dateTime'))
                .agg(F.first(auction).alias('a'), F.max(winner).alias('w'))
                .select(*[col(f'a.{c}').alias(c) for c in auction_fields], col('id').alias('auction'),
                        col('w.bidder').alias('bidder'), col('w.price').alias('price'),
                        col('w.dateTime').alias('bid_dateTime'), col('w.extra').alias('bid_extra')))

    def q6(e):
        finals = auction_bids(e).groupBy(col('A.id'), col('A.seller'), col('A.dateTime')).agg(
            F.max('B.price').alias('final'))
        return finals.groupBy('seller').transformWithStateInPandas(
            last_closing_prices(), outputStructType='seller LONG, auction LONG, avg_price DOUBLE',
            outputMode='Append', timeMode='None')

    return {
        'q3': (q3, 'append'),
        'q4': (q4, 'append'),
        'q6': (q6, 'append'),
        'q9': (q9, 'append'),
        'q20': (q20, 'append'),
        'q23': (q23, 'append'),
        'q0': (lambda b: b.select('auction', 'bidder', 'price', 'dateTime', 'extra'), 'append'),
        'q1': (lambda b: b.select('auction', 'bidder', euros.alias('price'), 'dateTime', 'extra'), 'append'),
        'q2': (lambda b: b.where(col('auction') % 123 == 0).select('auction', 'price'), 'append'),
        'q5': (q5, 'append'),
        'q7': (q7, 'append'),
        'q11': (q11, 'append'),
        'q12': (q12, 'update'),
        'q13': (q13, 'append'),
        'q14': (q14, 'append'),
        'q15': (lambda b: b.groupBy(day).agg(
            *rank_counts(), *rank_distinct('bidder', 'bidders'), *rank_distinct('auction', 'auctions')), 'update'),
        'q16': (lambda b: b.groupBy('channel', day).agg(
            F.max(F.date_format('dateTime', 'HH:mm')).alias('minute'), *rank_counts(),
            *rank_distinct('bidder', 'bidders'), *rank_distinct('auction', 'auctions')), 'update'),
        'q17': (q17, 'update'),
        'q10': (lambda b: b.select('auction', 'bidder', 'price', 'dateTime', 'extra',
                                   F.date_format('dateTime', 'yyyy-MM-dd').alias('dt'),
                                   F.date_format('dateTime', 'HH:mm').alias('hm')), 'append', ['dt', 'hm']),
        'q18': (q18, 'update'),
        'q21': (q21, 'append'),
        'q22': (q22, 'append'),
    }


def last_closing_prices():
    """q6's processor (bench/nexmark-q6.ts): per seller, the last 10 closing prices in a ListState;
    for each auction that closes (a batch's in (dateTime, id) order), the average over them."""
    import pandas as pd
    from pyspark.sql.streaming import StatefulProcessor

    class LastClosingPrices(StatefulProcessor):
        def init(self, handle):
            self.recent = handle.getListState('recent', 'id LONG, dateTime TIMESTAMP, final LONG')

        def handleInputRows(self, key, rows, timerValues):
            recent = list(self.recent.get())
            fresh = pd.concat(list(rows)).sort_values(['dateTime', 'id'])
            out = []
            for r in fresh.itertuples(index=False):
                recent = (recent + [(r.id, r.dateTime, r.final)])[-10:]
                out.append((key[0], r.id, sum(x[2] for x in recent) / len(recent)))
            self.recent.put(recent)
            yield pd.DataFrame(out, columns=['seller', 'auction', 'avg_price'])

        def close(self):
            pass

    return LastClosingPrices()


def bid_schema():
    from pyspark.sql.types import LongType, StringType, StructField, StructType, TimestampType
    return StructType([
        StructField('auction', LongType()), StructField('bidder', LongType()), StructField('price', LongType()),
        StructField('channel', StringType()), StructField('url', StringType()),
        StructField('dateTime', TimestampType()), StructField('extra', StringType()),
    ])


# The queries that read every event (Parquet files of EVENT_SCHEMA) instead of the bids.
EVENT_QUERIES = {'q3', 'q4', 'q6', 'q9', 'q20', 'q23'}


# Session settings a query needs for its run only: Spark's transformWithState refuses the default
# (HDFS-backed) state store, so q6 runs on RocksDB; every other query keeps the default.
ROCKSDB = 'org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider'
QUERY_CONF = {'q6': {'spark.sql.streaming.stateStore.providerClass': ROCKSDB}}


def full_event_schema(bid):
    """Every event as Sluice writes its Parquet files: event_type and the person/auction/bid structs."""
    from pyspark.sql.types import IntegerType, LongType, StringType, StructField, StructType, TimestampType

    def struct(fields):
        return StructType([StructField(n, t) for n, t in fields])

    long, text, ts = LongType(), StringType(), TimestampType()
    person = struct([('id', long), ('name', text), ('emailAddress', text), ('creditCard', text), ('city', text),
                     ('state', text), ('dateTime', ts), ('extra', text)])
    auction = struct([('id', long), ('itemName', text), ('description', text), ('initialBid', long),
                      ('reserve', long), ('dateTime', ts), ('expires', ts), ('seller', long), ('category', long),
                      ('extra', text)])
    return StructType([StructField('event_type', IntegerType()), StructField('person', person),
                       StructField('auction', auction), StructField('bid', bid), StructField('dateTime', ts)])


def event_schema(bid):
    """Flink's JSON wire form of every event (the person and auction rows are not read)."""
    from pyspark.sql.types import IntegerType, StringType, StructField, StructType
    return StructType([StructField('event_type', IntegerType()), StructField('person', StringType()),
                       StructField('auction', StringType()), StructField('bid', bid)])


def bid_stream(spark, schema, source, args):
    """The bid view: Parquet files, one per batch, or a Kafka topic of JSON events cut per batch."""
    if args.kafka_bootstrap is None:
        return spark.readStream.schema(schema).option('maxFilesPerTrigger', 1).parquet(source)
    from pyspark.sql import functions as F
    raw = (spark.readStream.format('kafka').option('kafka.bootstrap.servers', args.kafka_bootstrap)
           .option('subscribe', source).option('startingOffsets', 'earliest')
           .option('maxOffsetsPerTrigger', args.per_batch).load())
    events = raw.select(F.from_json(F.col('value').cast('string'), event_schema(schema)).alias('e'))
    return events.where(F.col('e.event_type') == 2).select('e.bid.*')


class CpuClock:
    """CPU time of the driver JVM (local mode: all of Spark), in ms: utime + stime of the java
    process from /proc/<pid>/stat, every thread. (The JVM's own OperatingSystemMXBean cannot be
    read through py4j: its class is not exported, and the MBean server's getAttribute fails too.)"""

    def __init__(self, spark):
        self.pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
        self.tick = os.sysconf('SC_CLK_TCK')
        self.kind = f'utime + stime of the java process from /proc/<pid>/stat (every thread; {self.tick} Hz ticks)'

    def ms(self):
        with open(f'/proc/{self.pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / self.tick


def run_once(spark, schema, spec, source, args, clock):
    """One streaming query over source: wall and CPU ms, the progress list, and the file rows (q10)."""
    query, mode = spec[0], spec[1]
    checkpoint = tempfile.mkdtemp(prefix='spark-nexmark-')
    try:
        settle(spark)
        # As on Sluice's side, building the query is timed too (its plan is analyzed at start()).
        cpu0, py0, t0 = clock.ms(), time.process_time(), time.perf_counter()
        df = query(bid_stream(spark, schema, source, args))
        if len(spec) > 2:  # a file sink (q10): Parquet partitioned by spec[2]
            writer = df.writeStream.format('parquet').partitionBy(*spec[2]).option('path', os.path.join(checkpoint, 'out'))
        else:
            writer = df.writeStream.format('noop')
        writer = writer.outputMode(mode).trigger(availableNow=True).option('checkpointLocation', os.path.join(checkpoint, 'ckpt'))
        q = writer.start()
        q.awaitTermination()
        ms = (time.perf_counter() - t0) * 1000
        cpu_ms, py_ms = clock.ms() - cpu0, (time.process_time() - py0) * 1000
        if q.exception() is not None:
            raise RuntimeError(str(q.exception()))
        # PySpark's progress objects are dicts (StreamingQueryProgress subclasses dict).
        progress = list(q.recentProgress)
        # Spark's file sink reports no numOutputRows: count what the files hold (untimed).
        file_rows = spark.read.parquet(os.path.join(checkpoint, 'out')).count() if len(spec) > 2 else None
        return ms, cpu_ms, py_ms, progress, file_rows
    finally:
        shutil.rmtree(checkpoint, ignore_errors=True)


def settle(spark):
    spark.sparkContext._jvm.java.lang.System.gc()
    time.sleep(0.3)


def run_command(spark, schema, queries, clock, args, cmd):
    name = cmd['query']
    if name not in queries:
        return {'ok': False, 'error': 'no PySpark version of this query'}
    if name in EVENT_QUERIES and args.kafka_bootstrap is not None:
        return {'ok': False, 'error': 'the join queries read Parquet files of every event; no Kafka version'}
    read_schema = full_event_schema(schema) if name in EVENT_QUERIES else schema
    conf = QUERY_CONF.get(name, {})
    saved = {k: spark.conf.get(k, None) for k in conf}
    for k, v in conf.items():
        spark.conf.set(k, v)
    try:
        ms, cpu_ms, py_ms, progress, file_rows = run_once(spark, read_schema, queries[name], cmd['source'], args, clock)
    finally:
        for k, v in saved.items():
            if v is None:
                spark.conf.unset(k)
            else:
                spark.conf.set(k, v)
    batch_ms = [p['durationMs'].get('triggerExecution', 0) for p in progress]
    rows = file_rows if file_rows is not None else sum(max(0, p['sink'].get('numOutputRows', 0)) for p in progress)
    ops = progress[-1].get('stateOperators', []) if progress else []
    log(f'{name}: {ms:.0f} ms, cpu {cpu_ms:.0f} ms, {len(progress)} batches, {rows} rows')
    return {
        'ok': True, 'ms': ms, 'cpuMs': cpu_ms, 'pythonCpuMs': py_ms, 'batchMs': batch_ms, 'outputRows': rows,
        'stateRows': sum(o.get('numRowsTotal', 0) for o in ops),
        'stateBytes': sum(o.get('memoryUsedBytes', 0) for o in ops),
    }


def jvm_peak_rss(pid):
    """VmHWM of the driver JVM (local mode: the whole of Spark), in bytes."""
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) * 1024
    except OSError:  # not on Linux: no figure
        return None
    return None


def reply(obj):
    print(MARKER + json.dumps(obj), flush=True)


def start_session(args):
    from pyspark.sql import SparkSession
    builder = (SparkSession.builder.master(f'local[{args.cores}]').appName('sluice-nexmark-peer')
               .config('spark.driver.memory', args.driver_memory)
               .config('spark.sql.shuffle.partitions', args.shuffle_partitions)
               .config('spark.sql.session.timeZone', 'UTC')
               .config('spark.sql.streaming.numRecentProgressUpdates', 100000)
               .config('spark.ui.enabled', 'false').config('spark.ui.showConsoleProgress', 'false'))
    if args.kafka_package:
        builder = builder.config('spark.jars.packages', args.kafka_package)
    if args.kafka_excludes:
        builder = builder.config('spark.jars.excludes', args.kafka_excludes)
    if args.kafka_jars:
        builder = builder.config('spark.jars', args.kafka_jars)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel('ERROR')
    return spark


def main():
    ap = argparse.ArgumentParser()
    for name in ('--cores', '--shuffle-partitions'):
        ap.add_argument(name, type=int, required=True)
    ap.add_argument('--driver-memory', default='4g')
    # Kafka input: a run's source is then a topic.
    for name in ('--kafka-bootstrap', '--kafka-package', '--kafka-excludes', '--kafka-jars'):
        ap.add_argument(name)
    ap.add_argument('--per-batch', type=int, default=100000)
    args = ap.parse_args()
    try:
        import pyspark
    except ImportError as e:
        reply({'ok': False, 'error': f'pyspark is not installed ({e})'})
        return
    t0 = time.perf_counter()
    spark = start_session(args)
    startup_ms = (time.perf_counter() - t0) * 1000
    clock = CpuClock(spark)
    log(f'Spark {pyspark.__version__} local[{args.cores}] started in {startup_ms:.0f} ms')
    schema = bid_schema()
    queries = build_queries(spark)
    reply({'ok': True, 'ready': True, 'version': pyspark.__version__, 'master': f'local[{args.cores}]',
           'startupMs': startup_ms, 'jvmPid': clock.pid, 'cpuClock': clock.kind})
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd['op'] == 'stop':
            break
        try:
            reply(run_command(spark, schema, queries, clock, args, cmd))
        except Exception as e:  # noqa: BLE001 - one run's failure is reported, the process goes on
            log(f'{cmd.get("query")} failed: {e}')
            reply({'ok': False, 'error': str(e).splitlines()[0][:500]})
    peak = jvm_peak_rss(clock.pid)
    spark.stop()
    reply({'ok': True, 'jvmPeakRssBytes': peak})


if __name__ == '__main__':
    main()
