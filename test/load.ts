// The slack a wall-clock bound in a test gets on a busy machine: the one-minute load per core, at
// least 1 (two cores shared by several test runs stretch every timing). Multiply a bound by it.
import { availableParallelism, loadavg } from "node:os";

/** The load factor now (for a bound checked long after the file started). */
export const loadFactor = () => Math.max(1, loadavg()[0]! / availableParallelism());

/** The load factor when the test file started. */
export const LOAD = loadFactor();
