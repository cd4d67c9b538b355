/** Spark SQL text support: expressions, types, schema DDL strings, intervals, and column naming. */

export { ExprParser, parseExpression } from './expr-parser.ts'
export { autoName, exprToSql, javaDouble, quoteIfNeeded, typeSql } from './expr-sql.ts'
export { formatIntervalSql, parseInterval } from './interval.ts'
export { parseSchemaDDL, parseType } from './type-parser.ts'
