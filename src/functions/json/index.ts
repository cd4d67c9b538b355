/** Spark's JSON functions at run time: from_json, to_json, get_json_object, and their helpers. */
export { decodeJsonBase64, encodeJsonBase64 } from './base64.ts'
export { compileFromJson, type FromJsonOptions, validateFromJsonMode } from './from-json.ts'
export { evaluateJsonPath, getJsonObject } from './get-json-object.ts'
export { formatDayTimeInterval, parseDayTimeInterval } from './interval-text.ts'
export { javaDoubleToString, javaFloatToString } from './java-double.ts'
export {
  JSON_CONVERSION_FAILED,
  type JsonConversionState,
  jsonConversionErrorPath,
  newJsonConversionState,
  resetJsonConversionState,
} from './json-conversion-state.ts'
export {
  compileFastJsonDecoder,
  FAST_JSON_BAIL,
  type FastJsonDecoder,
  type FastJsonDecoderOptions,
  isCleanJsonLines,
  isCleanJsonText,
} from './json-fast-decoder.ts'
export { type CompiledJsonPath, compileJsonPath } from './json-path.ts'
export { isoUtcJsonTimeCodec, type JsonTimeCodec } from './json-time-codec.ts'
export { type JsonSyntax, JsonSyntaxError } from './json-token.ts'
export { MAX_NESTING_DEPTH, nestingTooDeep } from './json-tokenizer.ts'
export { JsonNumber, NO_JSON_VALUE, parseJsonExact, SPARK_JSON_SYNTAX } from './json-tree.ts'
export {
  compileJsonValueConverter,
  type JsonConverterOptions,
  type JsonValueConverter,
} from './json-value-converter.ts'
export { compileToJson, type ToJsonOptions, writerFor as jsonValueWriter } from './to-json.ts'
