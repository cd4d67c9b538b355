"""Spark's answers for the decimal cases in test/unit/functions/avro/to-avro.test.ts.

Prints, for decimal values, the hex of Spark's to_avro (the Avro schema Spark derives for a decimal
is a fixed of the fewest bytes for the precision, with the decimal logical type) and the value and
type from_avro gives back. Needs the spark-avro jar (from Maven Central):

    curl -o /tmp/spark-avro.jar https://repo1.maven.org/maven2/org/apache/spark/spark-avro_2.13/4.1.1/spark-avro_2.13-4.1.1.jar
    TZ=UTC python3 test/unit/functions/spark/decimal_avro.py /tmp/spark-avro.jar
"""
import sys

from pyspark.sql import SparkSession

CASES = [
    "hex(to_avro(CAST(-1.23 AS DECIMAL(5,2))))",
    "hex(to_avro(CAST(1.5 AS DECIMAL(38,10))))",
    "hex(to_avro(named_struct('d', CAST(12.345 AS DECIMAL(10,3)))))",
    "hex(to_avro(CAST(-1.235 AS DECIMAL(10,3)), '{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":5,\"scale\":2}'))",
    "from_avro(to_avro(CAST(-1.23 AS DECIMAL(5,2))), '{\"type\":\"fixed\",\"name\":\"fixed\",\"size\":3,\"logicalType\":\"decimal\",\"precision\":5,\"scale\":2}')",
    "typeof(from_avro(to_avro(CAST(-1.23 AS DECIMAL(5,2))), '{\"type\":\"fixed\",\"name\":\"fixed\",\"size\":3,\"logicalType\":\"decimal\",\"precision\":5,\"scale\":2}'))",
]


def main():
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.jars", sys.argv[1])
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("OFF")
    for sql in CASES:
        try:
            v = spark.sql(f"SELECT {sql} AS v").collect()[0]["v"]
            print(f"{sql} => {format(v, 'f') if hasattr(v, 'as_tuple') else v!r}")
        except Exception as e:  # noqa: BLE001
            print(f"{sql} => ERROR {str(e).splitlines()[0]}")


if __name__ == "__main__":
    main()
