"""Spark's answers for the function-library cases of test/unit/functions/spark-functions.test.ts.

Runs every case through PySpark 4 (ANSI on, session time zone UTC, one partition) and writes
functions-expected.json beside this file. The test reads only the JSON, so `npm test` needs no
Spark; rerun this after adding a case:

    python3 -m venv /tmp/pyspark && /tmp/pyspark/bin/pip install pyspark   # Java 17 on PATH
    TZ=UTC /tmp/pyspark/bin/python test/unit/functions/spark/functions_cases.py

Values are written in one JSON shape both engines can produce: timestamps as epoch milliseconds,
dates as epoch days, maps as {"$map": [[key, value], ...]}, NaN and infinities as {"$double": "NaN"},
and a failed case as {"error": "<Spark error condition>"}.
"""
import calendar
import datetime
import decimal
import json
import math
import os
import sys
import time

os.environ["TZ"] = "UTC"
time.tzset()

from pyspark.sql import Row, SparkSession  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# Scalar cases: one SQL expression each, evaluated in `SELECT <expr>`.
SCALAR = [
    # strings
    "replace('ABCabc', 'abc', 'DEF')",
    "replace('ABCabc', 'abc')",
    "replace('aaa', '', 'x')",
    "translate('AaBbCc', 'abc', '12')",
    "left('Spark SQL', 3)",
    "right('Spark SQL', 3)",
    "locate('bar', 'foobarbar')",
    "locate('bar', 'foobarbar', 5)",
    "position('bar', 'foobarbar')",
    "substring_index('www.apache.org', '.', 2)",
    "substring_index('www.apache.org', '.', -2)",
    "split_part('11.12.13', '.', 3)",
    "split_part('11.12.13', '.', -1)",
    "split_part('11.12.13', '.', 5)",
    "btrim('    SparkSQL   ')",
    "btrim('SSparkSQLS', 'SL')",
    "levenshtein('kitten', 'sitting')",
    "octet_length('Spark SQL é')",
    "bit_length('Spark SQL')",
    "find_in_set('ab', 'abc,b,ab,c,def')",
    "elt(1, 'scala', 'java')",
    "elt(3, 'scala', 'java')",
    "hex(17)",
    "hex('Spark SQL')",
    "hex(-1L)",
    "chr(65)",
    "space(2)",
    "reverse('Spark SQL')",
    "typeof(1)",
    "typeof(1L)",
    "typeof(1.5D)",
    "typeof('a')",
    "typeof(array(1, 2))",
    "typeof(map('a', 1))",
    "typeof(named_struct('a', 1, 'b', 'x'))",
    "typeof(DATE '2024-01-01')",
    "typeof(TIMESTAMP '2024-01-01 00:00:00')",
    "typeof(NULL)",
    "equal_null(NULL, NULL)",
    "equal_null(1, NULL)",
    "equal_null(2, 2)",
    # math
    "cbrt(27.0D)",
    "degrees(pi())",
    "radians(180.0D)",
    "hypot(3.0D, 4.0D)",
    "atan2(1.0D, 1.0D)",
    "factorial(5)",
    "factorial(21)",
    "rint(2.5D)",
    "rint(-3.5D)",
    "log1p(0.0D)",
    "expm1(0.0D)",
    # casts (ANSI)
    "CAST('2.5' AS INT)",
    "TRY_CAST('2.5' AS INT)",
    "CAST(' 12 ' AS INT)",
    "CAST('+5' AS INT)",
    "CAST('5.' AS INT)",
    "CAST('.5' AS INT)",
    "CAST('1e3' AS INT)",
    "CAST('2147483648' AS INT)",
    "CAST('2.5' AS BIGINT)",
    "CAST('-0' AS INT)",
    "CAST('1.0' AS INT)",
    # date and time
    "unix_micros(TIMESTAMP '2024-01-01 00:00:01')",
    "unix_millis(TIMESTAMP '2024-01-01 00:00:01.5')",
    "unix_seconds(TIMESTAMP '2024-01-01 00:00:01.5')",
    "unix_date(DATE '2024-01-01')",
    "date_from_unix_date(19723)",
    "timestamp_micros(1704067201000000)",
    "date_trunc('YEAR', TIMESTAMP '2015-03-05 09:32:05.359')",
    "date_trunc('MM', TIMESTAMP '2015-03-05 09:32:05.359')",
    "date_trunc('DD', TIMESTAMP '2015-03-05 09:32:05.359')",
    "date_trunc('HOUR', TIMESTAMP '2015-03-05 09:32:05.359')",
    "date_trunc('MINUTE', TIMESTAMP '2015-03-05 09:32:05.359')",
    "date_trunc('SECOND', TIMESTAMP '2015-03-05 09:32:05.359')",
    "date_trunc('MILLISECOND', TIMESTAMP '2015-03-05 09:32:05.359')",
    "date_trunc('WEEK', TIMESTAMP '2015-03-05 09:32:05.359')",
    "date_trunc('QUARTER', TIMESTAMP '2015-05-05 09:32:05.359')",
    "date_trunc('fortnight', TIMESTAMP '2015-03-05 09:32:05')",
    "trunc(DATE '2019-08-04', 'week')",
    "trunc(DATE '2019-08-04', 'quarter')",
    "trunc(DATE '2009-02-12', 'MM')",
    "trunc(DATE '2015-07-22', 'YEAR')",
    "trunc(DATE '2015-07-22', 'DD')",
    "from_utc_timestamp(TIMESTAMP '2016-08-31 00:00:00', 'Asia/Seoul')",
    "from_utc_timestamp(TIMESTAMP '2024-03-10 10:00:00', 'America/Los_Angeles')",
    "to_utc_timestamp(TIMESTAMP '2016-08-31 00:00:00', 'Asia/Seoul')",
    "to_utc_timestamp(TIMESTAMP '2024-03-10 10:00:00', 'America/Los_Angeles')",
    "make_timestamp(2014, 12, 28, 6, 30, 45.887D)",
    "make_timestamp(2014, 12, 28, 6, 30, 45.887D, 'CET')",
    "make_timestamp(2019, 6, 30, 23, 59, 60D)",
    "make_timestamp(2019, 13, 1, 10, 11, 12D)",
    "try_make_timestamp(2019, 13, 1, 10, 11, 12D)",
    "make_date(2013, 7, 15)",
    "make_date(2019, 7, NULL)",
    "make_date(2019, 2, 30)",
    "add_months(DATE '2016-08-31', 1)",
    "add_months(DATE '2016-01-31', -2)",
    "months_between(TIMESTAMP '1997-02-28 10:30:00', TIMESTAMP '1996-10-30 00:00:00')",
    "months_between(TIMESTAMP '1997-02-28 10:30:00', TIMESTAMP '1996-10-30 00:00:00', false)",
    "months_between(DATE '2024-03-31', DATE '2024-02-29')",
    "last_day(DATE '2009-01-12')",
    "last_day(DATE '2024-02-10')",
    "next_day(DATE '2015-01-14', 'TU')",
    "next_day(DATE '2015-01-14', 'wednesday')",
    "next_day(DATE '2015-01-14', 'xx')",
    "dayname(DATE '2008-02-20')",
    "monthname(DATE '2008-02-20')",
    # arrays
    "array_contains(array(1, 2, 3), 2)",
    "array_contains(array(1, NULL, 3), 2)",
    "array_distinct(array(1, 2, 3, NULL, 3, NULL))",
    "array_distinct(array(0.0D, -0.0D, double('NaN'), double('NaN')))",
    "array_union(array(1, 2, 3), array(1, 3, 5))",
    "array_union(array(1, NULL), array(NULL, 2))",
    "array_intersect(array(1, 2, 3), array(1, 3, 5))",
    "array_intersect(array(1, NULL, 2), array(NULL, 2))",
    "array_except(array(1, 2, 3), array(1, 3, 5))",
    "array_except(array(1, NULL, NULL, 2), array(2))",
    "arrays_overlap(array(1, 2, 3), array(3, 4, 5))",
    "arrays_overlap(array(1, 2), array(3, NULL))",
    "arrays_overlap(array(1, 2), array(3, 4))",
    "array_position(array(312, 773, 708, 708), 708)",
    "array_position(array(312, 773), 1)",
    "array_remove(array(1, 2, 3, NULL, 3), 3)",
    "array_max(array(1, 20, NULL, 3))",
    "array_min(array(1, 20, NULL, 3))",
    "array_max(array(1.0D, double('NaN'), 3.0D))",
    "array_max(array())",
    "sort_array(array('b', 'd', NULL, 'c', 'a'), true)",
    "sort_array(array('b', 'd', NULL, 'c', 'a'), false)",
    "array_sort(array('b', 'd', NULL, 'c', 'a'))",
    "array_sort(array(5, 6, 1), (left, right) -> CASE WHEN left < right THEN -1 WHEN left > right THEN 1 ELSE 0 END)",
    "array_sort(array('bc', 'ab', 'dc'), (l, r) -> CASE WHEN l > r THEN -1 WHEN l < r THEN 1 ELSE 0 END)",
    "slice(array(1, 2, 3, 4), 2, 2)",
    "slice(array(1, 2, 3, 4), -2, 2)",
    "slice(array(1, 2, 3, 4), 5, 2)",
    "slice(array(1, 2, 3, 4), 0, 2)",
    "slice(array(1, 2, 3, 4), 1, -1)",
    "flatten(array(array(1, 2), array(3, 4)))",
    "flatten(array(array(1, 2), NULL))",
    "sequence(1, 5)",
    "sequence(5, 1)",
    "sequence(1, 9, 3)",
    "sequence(5, 1, 1)",
    "sequence(DATE '2018-01-01', DATE '2018-01-05')",
    "sequence(DATE '2018-01-01', DATE '2018-01-10', INTERVAL 3 DAY)",
    "sequence(TIMESTAMP '2018-01-01 00:00:00', TIMESTAMP '2018-01-01 03:00:00', INTERVAL 90 MINUTE)",
    "arrays_zip(array(1, 2, 3), array(2, 3, 4))",
    "arrays_zip(array(1, 2), array('a'))",
    "array_join(array('hello', 'world'), ' ')",
    "array_join(array('hello', NULL, 'world'), ' ')",
    "array_join(array('hello', NULL, 'world'), ' ', ',')",
    "array_join(array(1, 2, 3), '-')",
    "array_repeat('123', 2)",
    "array_repeat('x', -1)",
    "reverse(array(2, 1, 4, 3))",
    "array_append(array('b', 'd', 'c', 'a'), 'd')",
    "array_append(array(1, 2), NULL)",
    "array_prepend(array('b', 'd', 'c', 'a'), 'd')",
    "array_compact(array(1, 2, 3, NULL))",
    "array_insert(array(1, 2, 3, 4), 5, 5)",
    "array_insert(array(5, 4, 3, 2), -1, 1)",
    "array_insert(array(5, 3, 2, 1), -4, 4)",
    "array_insert(array(1, 2), 5, 9)",
    "array_size(array('b', 'd', 'c', 'a'))",
    "get(array(1, 2, 3), 0)",
    "get(array(1, 2, 3), 3)",
    "get(array(1, 2, 3), -1)",
    "concat(array(1, 2), array(3), array(NULL))",
    "double('NaN')",
    "int('42')",
    "string(1.5D)",
    "date('2024-02-29')",
    # maps
    "map_keys(map(1, 'a', 2, 'b'))",
    "map_values(map(1, 'a', 2, 'b'))",
    "map_entries(map(1, 'a', 2, 'b'))",
    "map_from_entries(array(struct(1, 'a'), struct(2, 'b')))",
    "map_from_entries(array(struct(1, 'a'), NULL))",
    "map_from_entries(array(struct(1, 'a'), struct(1, 'b')))",
    "map_from_arrays(array(1.0D, 3.0D), array('2', '4'))",
    "map_from_arrays(array(1, 2), array('a'))",
    "map_from_arrays(array(1, NULL), array('a', 'b'))",
    "map_concat(map(1, 'a', 2, 'b'), map(3, 'c'))",
    "map_concat(map(1, 'a'), map(1, 'b'))",
    "map_contains_key(map(1, 'a', 2, 'b'), 1)",
    "map_contains_key(map(1, 'a', 2, 'b'), 3)",
    "str_to_map('a:1,b:2,c:3', ',', ':')",
    "str_to_map('a')",
    "str_to_map('a:1,a:2')",
    "str_to_map('a=1;b=2', ';', '=')",
    # more scalars
    "nvl2(NULL, 2, 1)",
    "nvl2('x', 2, 1)",
    "ilike('Spark', '_PARK')",
    "ilike('Spark', 'sp%k')",
    "try_element_at(array(1, 2, 3), 5)",
    "try_element_at(array(1, 2, 3), -1)",
    "try_element_at(map('a', 1), 'b')",
    "try_element_at(array(1, 2, 3), 0)",
    "regexp_count('Steven Jones and Stephen Smith are the best players', 'Ste(v|ph)en')",
    "regexp_extract_all('100-200, 300-400', '(\\\\d+)-(\\\\d+)', 1)",
    "regexp_extract_all('100-200, 300-400', '(\\\\d+)-(\\\\d+)', 2)",
    "regexp_extract_all('100-200', '(\\\\d+)-(\\\\d+)', 3)",
    "regexp_substr('Steven Jones and Stephen Smith', 'Ste(v|ph)en')",
    "regexp_substr('Mary had a little lamb', 'Ste(v|ph)en')",
    "regexp_instr('user@spark.apache.org', '@[^.]*')",
    "regexp_instr('abc', 'x')",
    "shiftleft(2, 1)",
    "shiftleft(1, 31)",
    "shiftright(-16, 2)",
    "shiftrightunsigned(-16, 28)",
    "shiftrightunsigned(4, 1)",
    "bit_count(0)",
    "bit_count(7)",
    "bit_count(-1)",
    "bit_count(-1L)",
    "bin(13)",
    "bin(-13)",
    "hex(unhex('537061726B2053514C'))",
    "unhex('GG')",
    "width_bucket(5.3D, 0.2D, 10.6D, 5)",
    "width_bucket(-2.1D, 1.3D, 3.4D, 3)",
    "width_bucket(8.1D, 0.0D, 5.7D, 4)",
    "width_bucket(-0.9D, 5.2D, 0.5D, 2)",
    "overlay('Spark SQL', 'ANSI ', 7, 0)",
    "overlay('Spark SQL', '_', 6)",
    "overlay('Spark SQL', 'CORE', 7)",
    "overlay('Spark SQL', 'tructured', 2, 4)",
    "soundex('Miller')",
    "soundex('Ashcraft')",
    "soundex('Tymczak')",
    "soundex('1abc')",
    "hex(encode('Spark é', 'UTF-8'))",
    "hex(encode('abc', 'UTF-16'))",
    "hex(encode('abc', 'UTF-16LE'))",
    "decode(encode('abc', 'UTF-16BE'), 'UTF-16BE')",
    "decode(unhex('537061726B'), 'US-ASCII')",
    "encode('abc', 'EBCDIC')",
    "url_encode('https://spark.apache.org/a b?x=1&y=é~!*')",
    "url_decode('https%3A%2F%2Fspark.apache.org+x%C3%A9')",
    "url_decode('http%3A%2F%2spark.apache.org')",
    "try_url_decode('http%3A%2F%2spark.apache.org')",
    "luhn_check('8112189876')",
    "luhn_check('79927398713')",
    "luhn_check('79927398714')",
    "luhn_check('')",
    "luhn_check('a12')",
    "mask('abcd-EFGH-8765-4321')",
    "mask('abcd-EFGH-8765-4321', 'Q')",
    "mask('AbCD123-@$#', 'Q', 'q', 'd', 'o')",
    "mask('AbCD123-@$#', NULL, 'q', 'd', 'o')",
    "EXTRACT(YEAR FROM TIMESTAMP '2019-08-12 01:00:00.123456')",
    "EXTRACT(week FROM TIMESTAMP '2019-08-12 01:00:00.123456')",
    "EXTRACT(doy FROM DATE '2019-08-12')",
    "EXTRACT(SECONDS FROM TIMESTAMP '2019-10-01 00:00:01.5')",
    "EXTRACT(DAYOFWEEK_ISO FROM DATE '2019-08-11')",
    "date_part('MINUTE', TIMESTAMP '2019-08-12 01:05:00')",
    "date_part('quarter', DATE '2019-08-12')",
    "date_part('dow', DATE '2019-08-11')",
    "parse_url('http://spark.apache.org/path?query=1', 'HOST')",
    "parse_url('http://spark.apache.org/path?query=1', 'QUERY')",
    "parse_url('http://spark.apache.org/path?query=1', 'QUERY', 'query')",
    "parse_url('http://spark.apache.org/path?a=1&b=2', 'QUERY', 'b')",
    "parse_url('http://spark.apache.org/path?a=1&b=2', 'QUERY', 'c')",
    "parse_url('https://user:pw@example.com:8080/a/b.html?x=1#frag', 'PATH')",
    "parse_url('https://user:pw@example.com:8080/a/b.html?x=1#frag', 'FILE')",
    "parse_url('https://user:pw@example.com:8080/a/b.html?x=1#frag', 'REF')",
    "parse_url('https://user:pw@example.com:8080/a/b.html?x=1#frag', 'PROTOCOL')",
    "parse_url('https://user:pw@example.com:8080/a/b.html?x=1#frag', 'AUTHORITY')",
    "parse_url('https://user:pw@example.com:8080/a/b.html?x=1#frag', 'USERINFO')",
    "parse_url('https://user:pw@example.com:8080/a/b.html?x=1#frag', 'HOST')",
    "parse_url('http://spark.apache.org/path', 'QUERY')",
    "parse_url('http://spark.apache.org/path', 'host')",
    "parse_url('inva lid://spark.apache.org/path', 'HOST')",
    "timestampadd(HOUR, 8, TIMESTAMP '2022-02-14 01:02:03')",
    "timestampadd(MILLISECOND, 1, TIMESTAMP '2022-02-14 01:02:03')",
    "timestampadd(DAY, -3, TIMESTAMP '2022-03-01 10:00:00')",
    "timestampadd(MONTH, 1, TIMESTAMP '2022-01-31 10:00:00')",
    "timestampadd(QUARTER, 2, TIMESTAMP '2022-11-30 00:00:00')",
    "timestampadd(YEAR, 1, TIMESTAMP '2024-02-29 12:00:00')",
    "timestampadd(WEEK, 2, TIMESTAMP '2022-02-14 01:02:03')",
    "timestampdiff(HOUR, TIMESTAMP '2022-02-14 01:02:03', TIMESTAMP '2022-02-14 12:00:03')",
    "timestampdiff(MINUTE, TIMESTAMP '2022-02-14 01:02:03', TIMESTAMP '2022-02-14 01:00:04')",
    "timestampdiff(DAY, TIMESTAMP '2022-02-14 10:00:00', TIMESTAMP '2022-02-16 09:59:59')",
    "timestampdiff(DAY, TIMESTAMP '2022-02-16 09:00:00', TIMESTAMP '2022-02-14 10:00:00')",
    "timestampdiff(WEEK, TIMESTAMP '2022-02-01 00:00:00', TIMESTAMP '2022-02-22 00:00:00')",
    "timestampdiff(MONTH, TIMESTAMP '2022-01-31 10:00:00', TIMESTAMP '2022-02-28 10:00:00')",
    "timestampdiff(MONTH, TIMESTAMP '2022-01-15 10:00:00', TIMESTAMP '2022-03-15 09:00:00')",
    "timestampdiff(QUARTER, TIMESTAMP '2022-01-01 00:00:00', TIMESTAMP '2022-12-31 00:00:00')",
    "timestampdiff(YEAR, TIMESTAMP '2020-02-29 00:00:00', TIMESTAMP '2021-02-28 00:00:00')",
    "timestampdiff(YEAR, TIMESTAMP '2024-06-01 00:00:00', TIMESTAMP '2020-06-02 00:00:00')",
    "conv('100', 2, 10)",
    "conv(-10, 16, -10)",
    "conv('-10', 16, 10)",
    "conv('ff', 16, 2)",
    "conv('12xyz', 10, 16)",
    "conv('zz', 10, 16)",
    "conv('10', 37, 10)",
    "conv('FFFFFFFFFFFFFFFF', 16, 10)",
    "conv('FFFFFFFFFFFFFFFF', 16, -10)",
    "conv('1FFFFFFFFFFFFFFFF', 16, 10)",
    # higher-order functions
    "transform(array(1, 2, 3), x -> x + 1)",
    "transform(array(1, 2, 3), (x, i) -> x + i)",
    "transform(array(1, NULL, 3), x -> x * 2)",
    "transform(array(array(1, 2), array(3)), a -> transform(a, x -> x * 10))",
    "transform(array(1, 2), x -> transform(array(10, 20), y -> x + y))",
    "filter(array(1, 2, 3), x -> x % 2 = 1)",
    "filter(array(0, 2, 3), (x, i) -> x > i)",
    "filter(array(0, NULL, 2, 3, NULL), x -> x IS NOT NULL)",
    "exists(array(1, 2, 3), x -> x % 2 = 0)",
    "exists(array(1, 2, 3), x -> x % 2 = 10)",
    "exists(array(1, NULL, 3), x -> x % 2 = 0)",
    "exists(array(0, NULL, 2, 3, NULL), x -> x IS NULL)",
    "exists(array(1, 2, 3), x -> x IS NULL)",
    "forall(array(1, 2, 3), x -> x % 2 = 0)",
    "forall(array(2, 4, 8), x -> x % 2 = 0)",
    "forall(array(1, NULL, 3), x -> x % 2 = 0)",
    "forall(array(2, NULL, 8), x -> x % 2 = 0)",
    "aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x)",
    "aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x, acc -> acc * 10)",
    "aggregate(array(1, 2, 3, 4), named_struct('sum', 0, 'cnt', 0), (acc, x) -> named_struct('sum', acc.sum + x, 'cnt', acc.cnt + 1), acc -> acc.sum / acc.cnt)",
    "reduce(array(1, 2, 3), 0, (acc, x) -> acc + x)",
    "aggregate(array(), 0, (acc, x) -> acc + x)",
    "zip_with(array(1, 2, 3), array('a', 'b', 'c'), (x, y) -> (y, x))",
    "zip_with(array(1, 2), array(3, 4), (x, y) -> x + y)",
    "zip_with(array('a', 'b', 'c'), array('d', 'e', 'f'), (x, y) -> concat_ws('_', x, y))",
    "zip_with(array(1, 2, 3), array(10), (x, y) -> coalesce(x, 0) + coalesce(y, 0))",
    "map_filter(map(1, 0, 2, 2, 3, -1), (k, v) -> k > v)",
    "transform_keys(map(1, 1, 2, 2, 3, 3), (k, v) -> k + 1)",
    "transform_keys(map(1, 1, 2, 2, 3, 3), (k, v) -> k + v)",
    "transform_keys(map(1, 1, 2, 2), (k, v) -> 1)",
    "transform_values(map(1, 1, 2, 2, 3, 3), (k, v) -> v + 1)",
    "transform_values(map(1, 1, 2, 2, 3, 3), (k, v) -> k + v)",
    "map_zip_with(map(1, 'a', 2, 'b'), map(1, 'x', 2, 'y'), (k, v1, v2) -> concat(v1, v2))",
    "map_zip_with(map('a', 1, 'b', 2), map('b', 3, 'c', 4), (k, v1, v2) -> coalesce(v1, 0) + coalesce(v2, 0))",
]

# Aggregate cases over the table below: `SELECT k, <agg> FROM t GROUP BY k ORDER BY k`.
TABLE = [
    {"k": "a", "x": 1, "y": 2.5, "b": True, "s": "p"},
    {"k": "a", "x": 2, "y": 3.5, "b": False, "s": "q"},
    {"k": "a", "x": 4, "y": 1.0, "b": None, "s": "q"},
    {"k": "a", "x": 2, "y": 8.25, "b": True, "s": None},
    {"k": "b", "x": 5, "y": None, "b": True, "s": "r"},
    {"k": "b", "x": None, "y": 4.0, "b": True, "s": "r"},
    {"k": "c", "x": 7, "y": 7.0, "b": None, "s": None},
    {"k": "c", "x": 7, "y": 7.0, "b": None, "s": "t"},
    {"k": "c", "x": 10, "y": -3.5, "b": False, "s": "t"},
    {"k": "c", "x": -4, "y": 0.125, "b": False, "s": "u"},
    {"k": "c", "x": 0, "y": 11.0, "b": True, "s": "u"},
]
TABLE_DDL = "k STRING, x BIGINT, y DOUBLE, b BOOLEAN, s STRING"

AGGREGATE = [
    "stddev(x)",
    "std(y)",
    "stddev_samp(y)",
    "stddev_pop(x)",
    "variance(x)",
    "var_samp(y)",
    "var_pop(y)",
    "skewness(x)",
    "skewness(y)",
    "kurtosis(x)",
    "kurtosis(y)",
    "corr(x, y)",
    "covar_pop(x, y)",
    "covar_samp(x, y)",
    "count_if(x > 1)",
    "bool_and(b)",
    "bool_or(b)",
    "every(b)",
    "some(b)",
    "max_by(s, x)",
    "min_by(s, x)",
    "max_by(x, y)",
    "min_by(y, s)",
    "median(x)",
    "median(y)",
    "percentile(x, 0.25)",
    "percentile(y, 0.9)",
    "percentile(x, array(0.1, 0.5, 1.0))",
    "percentile_approx(x, 0.5)",
    "percentile_approx(y, 0.25)",
    "percentile_approx(x, array(0.25, 0.75))",
    "approx_percentile(x, 0.9, 100)",
    "mode(s)",
    "mode(s, true)",
    "mode(x)",
    "bit_and(x)",
    "bit_or(x)",
    "bit_xor(x)",
    "any_value(x)",
    "array_agg(x)",
    "try_sum(x)",
    "try_avg(x)",
    "try_sum(y)",
    "listagg(s, ',')",
    "string_agg(s)",
    "regr_count(y, x)",
    "regr_avgx(y, x)",
    "regr_avgy(y, x)",
    "regr_sxx(y, x)",
    "regr_syy(y, x)",
    "regr_sxy(y, x)",
    "regr_slope(y, x)",
    "regr_intercept(y, x)",
    "regr_r2(y, x)",
]


def norm(v):
    """One JSON value for a Spark result, in the shape the test builds from Sluice's."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return {"$double": str(v)} if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, datetime.datetime):
        return calendar.timegm(v.utctimetuple()) * 1000 + v.microsecond // 1000
    if isinstance(v, datetime.date):
        return (v - datetime.date(1970, 1, 1)).days
    if isinstance(v, Row):
        return {k: norm(x) for k, x in v.asDict(recursive=False).items()}
    if isinstance(v, dict):
        return {"$map": [[norm(k), norm(x)] for k, x in v.items()]}
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    raise TypeError(f"no JSON shape for {type(v)}: {v!r}")


def error_of(e):
    cond = getattr(e, "getCondition", None) or getattr(e, "getErrorClass", None)
    return {"error": (cond() if cond else None) or type(e).__name__}


def main():
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("OFF")
    out = {"spark": spark.version, "scalar": [], "table": {"ddl": TABLE_DDL, "rows": TABLE}, "aggregate": []}
    for sql in SCALAR:
        try:
            value = norm(spark.sql(f"SELECT {sql} AS c").collect()[0][0])
            out["scalar"].append({"sql": sql, "value": value})
        except Exception as e:  # noqa: BLE001 - every failure is an expected answer
            out["scalar"].append({"sql": sql, **error_of(e)})
    df = spark.createDataFrame([Row(**r) for r in TABLE], TABLE_DDL).coalesce(1)
    df.createOrReplaceTempView("t")
    for sql in AGGREGATE:
        try:
            rows = spark.sql(f"SELECT k, {sql} AS c FROM t GROUP BY k ORDER BY k").collect()
            out["aggregate"].append({"sql": sql, "value": [norm(r["c"]) for r in rows]})
        except Exception as e:  # noqa: BLE001
            out["aggregate"].append({"sql": sql, **error_of(e)})
    with open(os.path.join(HERE, "functions-expected.json"), "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(SCALAR)} scalar and {len(AGGREGATE)} aggregate cases from Spark {spark.version}", file=sys.stderr)


if __name__ == "__main__":
    main()
