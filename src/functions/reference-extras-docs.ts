/**
 * Reference lines for the functions issue 17 added from Spark 4's reference (format_string, AES,
 * to_binary, sentences, the CSV/JSON text functions, small math/bit/UTF-8 functions and aliases),
 * merged into FUNCTION_DOCS by function-docs.ts. Same shape: name -> category, signature, line.
 */
import type { FunctionDoc } from './function-docs.ts'

const doc = (category: FunctionDoc['category'], signature: string, description: string): FunctionDoc =>
  Object.freeze({ category, signature, description })

export const REFERENCE_EXTRAS_DOCS: Readonly<Record<string, FunctionDoc>> = Object.freeze({
  '&': doc('Operators and predicates', 'a & b', 'Bitwise and of integral numbers.'),
  '|': doc('Operators and predicates', 'a | b', 'Bitwise or.'),
  '^': doc('Operators and predicates', 'a ^ b', 'Bitwise exclusive or.'),
  '~': doc('Operators and predicates', '~a', 'Bitwise not.'),
  '<<': doc('Operators and predicates', 'a << n', 'Same as shiftleft.'),
  '>>': doc('Operators and predicates', 'a >> n', 'Same as shiftright.'),
  '>>>': doc(
    'Operators and predicates',
    'a >>> n',
    'Same as shiftrightunsigned (a bigint result beyond ±2^53 is an overflow error).',
  ),
  nullifzero: doc('Conditional and null', 'nullifzero(x)', 'NULL when x is 0, else x.'),
  zeroifnull: doc('Conditional and null', 'zeroifnull(x)', '0 when x is NULL, else x.'),
  raise_error: doc(
    'Conditional and null',
    'raise_error(msg)',
    'Fails the query with USER_RAISED_EXCEPTION and the message.',
  ),
  assert_true: doc(
    'Conditional and null',
    'assert_true(cond[, msg])',
    'NULL when cond is true, else fails with USER_RAISED_EXCEPTION.',
  ),
  acosh: doc('Math', 'acosh(x)', 'Inverse hyperbolic cosine.'),
  asinh: doc('Math', 'asinh(x)', 'Inverse hyperbolic sine.'),
  atanh: doc('Math', 'atanh(x)', 'Inverse hyperbolic tangent (NaN outside (-1, 1)).'),
  bit_get: doc(
    'Math',
    'bit_get(x, pos)',
    'Bit pos (0 = lowest) of an integral number; a position outside the type is an error.',
  ),
  getbit: doc('Math', 'getbit(x, pos)', 'Same as bit_get.'),
  format_string: doc(
    'Strings',
    'format_string(fmt, arg, ...)',
    "java.util.Formatter over Spark's values: %s %d %f %.Nf %x %o %e %b %c %% %n, argument indexes, width and flags `-0+ ,(#`; a DATE prints as its epoch day and a TIMESTAMP as epoch microseconds, as in Spark; binary, array, map and struct arguments are refused (Spark prints JVM objects).",
  ),
  printf: doc('Strings', 'printf(fmt, arg, ...)', 'Same as format_string.'),
  len: doc('Strings', 'len(s)', 'Same as length.'),
  quote: doc('Strings', 'quote(s)', "s between single quotes, inner quotes escaped as \\'."),
  sentences: doc(
    'Strings',
    'sentences(s[, lang[, country]])',
    "Sentences of words (Spark: java.text.BreakIterator; Sluice: Intl.Segmenter with Java's English line-break and hyphen rules; other locales may split differently).",
  ),
  to_binary: doc(
    'Strings',
    "to_binary(s[, 'hex' | 'utf-8' | 'base64'])",
    'Text to bytes in a format (default hex); malformed text fails with CONVERSION_INVALID_INPUT.',
  ),
  try_to_binary: doc('Strings', 'try_to_binary(s[, fmt])', 'to_binary, NULL for malformed text.'),
  is_valid_utf8: doc('Strings', 'is_valid_utf8(s)', 'Whether the bytes (binary or string) are valid UTF-8.'),
  make_valid_utf8: doc('Strings', 'make_valid_utf8(s)', 'Invalid UTF-8 sequences replaced by U+FFFD.'),
  validate_utf8: doc('Strings', 'validate_utf8(s)', 'The text, or INVALID_UTF8_STRING for invalid UTF-8.'),
  try_validate_utf8: doc('Strings', 'try_validate_utf8(s)', 'The text, or NULL for invalid UTF-8.'),
  aes_encrypt: doc(
    'JSON, Avro and hashing',
    'aes_encrypt(input, key[, mode[, padding[, iv[, aad]]]])',
    'AES with a 16/24/32-byte key: GCM (default; IV + ciphertext + tag), CBC or ECB; a random IV unless one is given.',
  ),
  aes_decrypt: doc(
    'JSON, Avro and hashing',
    'aes_decrypt(input, key[, mode[, padding[, aad]]])',
    'Decrypts aes_encrypt output (and Spark’s); a wrong key or tag fails with AES_CRYPTO_ERROR.',
  ),
  try_aes_decrypt: doc(
    'JSON, Avro and hashing',
    'try_aes_decrypt(input, key[, mode[, padding[, aad]]])',
    'aes_decrypt, NULL when decryption fails.',
  ),
  from_csv: doc(
    'JSON, Avro and hashing',
    'from_csv(s, schema[, options])',
    'One CSV record as a struct, read as the CSV source reads it (PERMISSIVE: bad fields NULL).',
  ),
  to_csv: doc(
    'JSON, Avro and hashing',
    'to_csv(struct[, options])',
    'A struct as one CSV record, written as the CSV sink writes it; nested fields as their string cast.',
  ),
  schema_of_csv: doc(
    'JSON, Avro and hashing',
    'schema_of_csv(csv[, options])',
    'The schema the CSV source infers from one record, as SQL text (`STRUCT<_c0: INT, ...>`).',
  ),
  schema_of_json: doc(
    'JSON, Avro and hashing',
    'schema_of_json(json[, options])',
    'The type JSON inference gives one JSON value, as SQL text.',
  ),
  json_array_length: doc(
    'JSON, Avro and hashing',
    'json_array_length(json)',
    'Elements of the outermost JSON array (NULL for anything else).',
  ),
  json_object_keys: doc(
    'JSON, Avro and hashing',
    'json_object_keys(json)',
    'Keys of the outermost JSON object (NULL for anything else).',
  ),
  date_diff: doc('Date and time', 'date_diff(end, start)', 'Same as datediff.'),
  dateadd: doc('Date and time', 'dateadd(d, n)', 'Same as date_add.'),
  datepart: doc('Date and time', 'datepart(field, source)', 'Same as date_part.'),
  weekday: doc('Date and time', 'weekday(d)', 'Day of the week, Monday = 0.'),
  try_to_date: doc('Date and time', 'try_to_date(s[, fmt])', 'to_date, NULL for text that does not parse.'),
  to_unix_timestamp: doc('Date and time', 'to_unix_timestamp(s[, fmt])', 'Same as unix_timestamp.'),
  curdate: doc('Date and time', 'curdate()', 'Same as current_date.'),
  hmac: doc(
    'JSON, Avro and hashing',
    "hmac(key, message[, 'SHA-256' | 'SHA-224' | 'SHA-384' | 'SHA-512' | 'SHA-1' | 'MD5'])",
    'Keyed-hash message authentication code, as raw bytes.',
  ),
  to_base32: doc('Strings', 'to_base32(bin)', 'RFC 4648 base 32 text with = padding.'),
  from_base32: doc('Strings', 'from_base32(s)', 'Bytes of base 32 text (padding optional).'),
  jaro_winkler_similarity: doc(
    'Strings',
    'jaro_winkler_similarity(a, b)',
    'Jaro-Winkler similarity in [0, 1].',
  ),
  try_parse_url: doc('Strings', 'try_parse_url(url, part[, key])', 'parse_url, NULL for an invalid URL.'),
  vector_norm: doc(
    'Arrays',
    'vector_norm(v[, degree])',
    "Lp norm of an array<float> (degree 1.0, 2.0 (default) or float('inf')).",
  ),
  vector_normalize: doc(
    'Arrays',
    'vector_normalize(v[, degree])',
    'v divided by its norm (NULL for a zero vector).',
  ),
  vector_inner_product: doc(
    'Arrays',
    'vector_inner_product(a, b)',
    'Dot product of two array<float> of one dimension.',
  ),
  vector_l2_distance: doc('Arrays', 'vector_l2_distance(a, b)', 'Euclidean distance.'),
  vector_cosine_similarity: doc(
    'Arrays',
    'vector_cosine_similarity(a, b)',
    'Cosine similarity (NULL when a vector is zero).',
  ),
  collect_union: doc(
    'Aggregates',
    'collect_union(arr)',
    'Distinct non-NULL elements of all the arrays (order unspecified, as in Spark).',
  ),
  percentile_cont: doc(
    'Aggregates',
    'percentile_cont(p) WITHIN GROUP (ORDER BY x [DESC])',
    'Percentile interpolated between the closest ranks (as percentile).',
  ),
  percentile_disc: doc(
    'Aggregates',
    'percentile_disc(p) WITHIN GROUP (ORDER BY x [DESC])',
    'The value at position ceil(p * n) of the ordered values.',
  ),
  vector_sum: doc(
    'Aggregates',
    'vector_sum(v)',
    'Element-wise sum of array<float> vectors (vectors with a NULL element skipped).',
  ),
  vector_avg: doc('Aggregates', 'vector_avg(v)', 'Element-wise mean of array<float> vectors.'),
  current_timezone: doc('Date and time', 'current_timezone()', 'The session time zone.'),
})
