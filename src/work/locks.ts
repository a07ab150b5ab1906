/** The part of the Web Locks API the library uses, so that Node and tests can inject a fake. */
export interface LockOptions {
  ifAvailable?: boolean;
  signal?: AbortSignal;
}

export interface LockManagerLike {
  request<T>(
    name: string,
    options: LockOptions,
    callback: (lock: { name: string } | null) => Promise<T> | T,
  ): Promise<T>;
}

/** navigator.locks where it exists (windows, workers, service workers); undefined in Node. */
export function browserLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks;
}

interface Waiter {
  grant: () => void;
}

/**
 * Exclusive locks in memory, shared by every "context" given the same instance: the fake for
 * Node, where navigator.locks does not exist. Same contract: held until the callback settles.
 */
export class MemoryLocks implements LockManagerLike {
  private held = new Set<string>();
  private queues = new Map<string, Waiter[]>();

  isHeld(name: string): boolean {
    return this.held.has(name);
  }

  async request<T>(
    name: string,
    options: LockOptions,
    callback: (lock: { name: string } | null) => Promise<T> | T,
  ): Promise<T> {
    if (this.held.has(name)) {
      if (options.ifAvailable) return callback(null);
      await this.wait(name, options.signal);
    }
    this.held.add(name);
    try {
      return await callback({ name });
    } finally {
      this.release(name);
    }
  }

  private wait(name: string, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(name) ?? [];
      const waiter: Waiter = { grant: resolve };
      queue.push(waiter);
      this.queues.set(name, queue);
      signal?.addEventListener('abort', () => {
        const i = queue.indexOf(waiter);
        if (i >= 0) queue.splice(i, 1);
        reject(signal.reason as Error);
      });
    });
  }

  private release(name: string): void {
    const next = this.queues.get(name)?.shift();
    if (next) next.grant();
    else this.held.delete(name);
  }
}
