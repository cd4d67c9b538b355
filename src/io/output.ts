/** Where show(), printSchema() and explain() print by default: the process's standard output. */
export function writeStdout(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
}
