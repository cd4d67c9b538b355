/**
 * Spark 4's rules for a join of two streams (UnsupportedOperationChecker, and its planner for the
 * equality), with Spark's wording, each checked against Spark (test/stream/stream-join/): append mode,
 * or update mode (the same rows) for inner and semi joins; equality keys required; an outer or semi join
 * needs a watermark in the join keys, or a watermark on the other side and a range condition that
 * bounds the outer side's rows (a full outer join: either side's); left anti is refused.
 */
import { SluiceError } from '../errors.ts'
import type { AnalyzedPlan } from './analyzed-plan.ts'
import {
  type JoinSides,
  stateValueWatermarkOffset,
  streamingJoinKeys,
  watermarkKeyOrdinal,
} from './join-watermark.ts'

type Join = Extract<AnalyzedPlan, { kind: 'join' }>

const unsupported = (message: string): SluiceError => new SluiceError('UNSUPPORTED_OPERATION', message)

/** Spark's names of join types, as its messages print them. */
const SPARK_JOIN_TYPE: Readonly<Record<string, string>> = {
  inner: 'Inner',
  cross: 'Cross',
  left: 'LeftOuter',
  right: 'RightOuter',
  full: 'FullOuter',
  left_semi: 'LeftSemi',
  left_anti: 'LeftAnti',
}

/**
 * Throws UNSUPPORTED_OPERATION when Spark refuses this join of two streams in `outputMode`.
 *
 * @example checkStreamStreamJoin(join, 'append')
 */
export function checkStreamStreamJoin(p: Join, outputMode: string): void {
  const outer = p.joinType === 'left' || p.joinType === 'right' || p.joinType === 'full'
  if (outputMode === 'complete' || (outer && outputMode !== 'append')) {
    const mode = outputMode === 'complete' ? 'Complete' : 'Update'
    const allowed = outer ? 'Append output mode' : 'Append and Update output modes'
    throw unsupported(
      `${SPARK_JOIN_TYPE[p.joinType]} join between two streaming DataFrames/Datasets is not supported in ${mode} output mode, only in ${allowed}`,
    )
  }
  if (p.joinType === 'left_anti') {
    throw unsupported('LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported')
  }
  if (p.joinType !== 'inner' && p.joinType !== 'cross') checkWatermark(p)
  if (streamingJoinKeys(p.leftKeys, p.rightKeys, p.residual, p.left.output.length).leftKeys.length === 0)
    throw unsupported('Stream-stream join without equality predicate is not supported.')
}

/** Spark's checkForStreamStreamJoinWatermark. */
function checkWatermark(p: Join): void {
  const sides: JoinSides = { attrs: [...p.left.output, ...p.right.output], leftWidth: p.left.output.length }
  const keys = streamingJoinKeys(p.leftKeys, p.rightKeys, p.residual, p.left.output.length)
  const inKeys = watermarkKeyOrdinal(keys.leftKeys, keys.rightKeys, p.left.output, p.right.output) >= 0
  const bounded = (side: 'left' | 'right') => stateValueWatermarkOffset(p.residual, sides, side) !== undefined
  const range =
    p.joinType === 'left' || p.joinType === 'left_semi'
      ? bounded('left')
      : p.joinType === 'right'
        ? bounded('right')
        : bounded('left') || bounded('right') // Spark 4.3 runs a full outer join bounded on one side
  if (!inKeys && !range) {
    throw unsupported(
      `Stream-stream ${SPARK_JOIN_TYPE[p.joinType]} join between two streaming DataFrame/Datasets is not supported without a watermark in the join keys, or a watermark on the nullable side and an appropriate range condition`,
    )
  }
}
