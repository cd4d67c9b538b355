import type { AnalyzedPlan } from './analyzed-plan.ts'
import { attrName } from './scope.ts'

/** Spark-style tree of an analyzed plan: `Aggregate [k#3], [k#3, count(1)#7]`. */
export function explainAnalyzed(p: AnalyzedPlan): string {
  const lines: string[] = []
  const walk = (n: AnalyzedPlan, depth: number): void => {
    const out = n.output.map((a) => `${attrName(a)}#${a.id}`).join(', ')
    const head = {
      localRelation: 'LocalRelation',
      batchScan: `Relation ${n.kind === 'batchScan' ? n.scan.description : ''}`,
      streamingRelation: `StreamingRelation ${n.kind === 'streamingRelation' ? n.sourceName : ''}`,
      project: 'Project',
      filter: 'Filter',
      aggregate: 'Aggregate',
      generate: 'Generate',
      sort: 'Sort',
      limit: 'Limit',
      deduplicate: 'Deduplicate',
      union: 'Union',
      join: `Join ${n.kind === 'join' ? n.joinType : ''}`,
      mapRows: 'MapRows',
      groupsWithState: 'FlatMapGroupsWithState',
      transformWithState: 'TransformWithState',
      sessionize: 'UpdatingSessions',
      observe: `CollectMetrics ${n.kind === 'observe' ? n.name : ''}`,
      deadLetter: `DeadLetter ${n.kind === 'deadLetter' ? n.name : ''}`,
      watermark: `EventTimeWatermark ${n.kind === 'watermark' ? `${attrName(n.output[n.eventTime])}#${n.output[n.eventTime].id}, ${n.delayMs} ms` : ''}`,
    }[n.kind]
    lines.push(`${depth === 0 ? '' : `${'   '.repeat(depth - 1)}+- `}${head} [${out}]`)
    const kids =
      n.kind === 'localRelation' || n.kind === 'batchScan' || n.kind === 'streamingRelation'
        ? []
        : n.kind === 'union' || n.kind === 'join'
          ? [n.left, n.right]
          : [n.child]
    for (const k of kids) walk(k, depth + 1)
  }
  walk(p, 0)
  return lines.join('\n')
}
