// Giving the event loop a turn inside a long piece of work on it (the dispatcher's renders of a batch,
// the recorder's transactions of one flush), so HTTP requests and timers are not held up behind it.

/**
 * A whole turn of the event loop: timers, I/O and other work run before the caller goes on. One
 * setImmediate queued from an I/O callback runs in that same turn, before the timers; the second is
 * queued from the check phase, so it runs after the next turn's timers and I/O.
 */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
