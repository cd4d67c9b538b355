# The error classes asserted in functions.test.ts ('casts with ANSI rules') and codegen.test.ts
# (remainder by zero), as PySpark 4.3.0 (ANSI mode, the default) gives them:
#   CAST(3000000000 AS INT)     CAST_OVERFLOW
#   CAST('3000000000' AS INT)   CAST_INVALID_INPUT
#   5 % 0                       REMAINDER_BY_ZERO
#   pmod(5, 0)                  REMAINDER_BY_ZERO
#   CAST(3000000000.5D AS INT)  CAST_OVERFLOW
# Run: python3 test/unit/functions/spark/error_classes.py
from pyspark.sql import SparkSession

s = SparkSession.builder.master('local[1]').config('spark.ui.enabled', 'false').getOrCreate()
s.sparkContext.setLogLevel('OFF')
for e in ["CAST(3000000000 AS INT)", "CAST('3000000000' AS INT)", "5 % 0", "pmod(5, 0)", "CAST(3000000000.5D AS INT)"]:
    try:
        print(e, s.sql("SELECT " + e).collect())
    except Exception as x:  # noqa: BLE001 - the error class is the answer
        print(e, x.getErrorClass())
