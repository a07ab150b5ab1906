/**
 * Resolves in a new macrotask, so the event loop can run other events (messages, fetches, an
 * abort) in between. A MessageChannel is not clamped to 4 ms the way nested timers are.
 */
export function nextTask(): Promise<void> {
  if (typeof MessageChannel !== 'function') {
    return new Promise((resolve) => setTimeout(resolve, 0));
  }
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
