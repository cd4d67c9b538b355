/** A transformWithState processor the stream tests share: value, list and map state per user. */
import { type ListState, type MapState, type StatefulProcessor, t, type ValueState } from '../../src/index.ts'

export const CLICK = t.struct({ user: t.string(), page: t.string(), ts: t.timestamp() })
export type Click = { user: string | null; page: string | null; ts: number | null }
export const OUT = t.struct({ user: t.string(), n: t.long(), history: t.string(), pages: t.long() })
export const N = t.struct({ n: t.long() })
export const PAGE = t.struct({ page: t.string() })

/** Counts clicks (value), keeps the page history (list) and clicks per page (map). */
export function tracker(): StatefulProcessor<
  string | null,
  Click,
  { user: string | null; n: number; history: string; pages: number }
> {
  let count: ValueState<{ n: number | null }>
  let history: ListState<{ page: string | null }>
  let perPage: MapState<string | null, { n: number | null }>
  return {
    init(handle) {
      count = handle.getValueState('count', N)
      history = handle.getListState('history', PAGE)
      perPage = handle.getMapState('perPage', t.string(), N)
    },
    *handleInputRows(user, rows) {
      let n = count.get()?.n ?? 0
      for (const r of rows) {
        n++
        history.appendValue({ page: r.page })
        perPage.updateValue(r.page, { n: (perPage.getValue(r.page)?.n ?? 0) + 1 })
      }
      count.update({ n })
      yield {
        user,
        n,
        history: history
          .get()
          .map((h) => h.page)
          .join(','),
        pages: perPage.keys().length,
      }
    },
  }
}

/** A click of `user` on `page` at `secs` seconds. */
export const click = (user: string, page: string, secs = 1) => ({ user, page, ts: secs * 1000 })
