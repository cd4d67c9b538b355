/**
 * Splits text arriving in chunks into lines as Java's `BufferedReader.readLine` does (what Spark's
 * socket source reads with): a line ends at `\n`, `\r` or `\r\n`, the terminator is dropped, and a
 * last line without a terminator still counts at end of stream.
 */
export class LineSplitter {
  private pending = ''
  /** A `\r` ended the previous chunk: a `\n` starting the next one belongs to it. */
  private skipLF = false

  /**
   * The lines completed by `chunk`.
   *
   * @example
   * const s = new LineSplitter()
   * s.push('a\r') // ['a']
   * s.push('\nb') // []: the '\n' closed 'a'; 'b' waits for its end
   * s.end() // ['b']
   */
  push(chunk: string): string[] {
    const lines: string[] = []
    let from = 0
    if (this.skipLF && chunk.startsWith('\n')) from = 1
    this.skipLF = false
    for (let i = from; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i)
      if (c !== 10 && c !== 13) continue
      lines.push(this.pending + chunk.slice(from, i))
      this.pending = ''
      if (c === 13) {
        if (i + 1 === chunk.length) this.skipLF = true
        else if (chunk.charCodeAt(i + 1) === 10) i++
      }
      from = i + 1
    }
    this.pending += chunk.slice(from)
    return lines
  }

  /** The unterminated last line, if any, at end of stream. */
  end(): string[] {
    const last = this.pending
    this.pending = ''
    return last === '' ? [] : [last]
  }
}
