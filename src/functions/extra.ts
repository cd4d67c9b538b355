/**
 * Functions wired from the util libraries (date/time, JSON, hashing). Kept apart from the core
 * operator tables so each library's wiring is one small list.
 */
import type { FunctionDef } from './function-def.ts'

export const EXTRA_FUNCTIONS: readonly FunctionDef[] = []
