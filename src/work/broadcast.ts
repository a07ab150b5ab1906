import { copyPlain, isWorkRecord, type WorkRecord } from './record';

/** The part of BroadcastChannel the library uses, so that tests can inject an in-memory bus. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

export type ChannelFactory = (name: string) => ChannelLike;

let realmFactory: ChannelFactory | undefined;

/**
 * BroadcastChannel, shared by every hub of this realm: a page's manager and its executor (or two
 * managers) hear each other directly, a microtask later, instead of through the browser process
 * (a round trip through another process on every commit, on the executor's wake-up path); other
 * realms hear one real channel per name.
 */
export function browserBroadcast(): ChannelFactory | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  return (realmFactory ??= localFirst((name) => new BroadcastChannel(name) as ChannelLike));
}

/**
 * Channels of the same name made by this factory reach each other in memory (each gets its own
 * copy, in the order posted, as BroadcastChannel does) and share one channel of `remote` for
 * everything outside; a message from outside reaches each of them once.
 */
export function localFirst(remote: ChannelFactory): ChannelFactory {
  const groups = new Map<string, { outside: ChannelLike; peers: Set<ChannelLike> }>();
  return (name) => {
    let group = groups.get(name);
    if (!group) {
      const peers = new Set<ChannelLike>();
      const outside = remote(name);
      outside.onmessage = (event) => {
        // The first peer takes the deserialized message; the others get copies.
        [...peers].forEach((peer, i) =>
          peer.onmessage?.({ data: i === 0 ? event.data : copyPlain(event.data) }),
        );
      };
      group = { outside, peers };
      groups.set(name, group);
    }
    const { outside, peers } = group;
    const channel: ChannelLike = {
      onmessage: null,
      postMessage: (message) => {
        for (const peer of peers) {
          if (peer === channel) continue;
          const data = copyPlain(message);
          queueMicrotask(() => peers.has(peer) && peer.onmessage?.({ data }));
        }
        outside.postMessage(message);
      },
      close: () => {
        if (!peers.delete(channel) || peers.size > 0) return;
        outside.close();
        groups.delete(name);
      },
    };
    peers.add(channel);
    return channel;
  };
}

/**
 * BroadcastChannel semantics in memory: a message reaches every other open channel of the same
 * name, later (a microtask), in the order it was posted.
 */
export class MemoryBroadcast {
  private channels = new Map<string, Set<ChannelLike>>();

  readonly factory: ChannelFactory = (name) => {
    const peers = this.channels.get(name) ?? new Set<ChannelLike>();
    this.channels.set(name, peers);
    const channel: ChannelLike = {
      onmessage: null,
      postMessage: (message) => {
        const data = structuredClone(message);
        for (const peer of peers) {
          if (peer !== channel) queueMicrotask(() => peer.onmessage?.({ data }));
        }
      },
      close: () => peers.delete(channel),
    };
    peers.add(channel);
    return channel;
  };
}

/** One committed transaction: the records it wrote and the ids it deleted, at `rev`. */
export interface WorkChange {
  type: 'work-change';
  rev: number;
  /** When its transaction began (the writer's clock); absent from older versions' changes. */
  at?: number;
  records: WorkRecord[];
  deleted: string[];
}

function isWorkChange(value: unknown): value is WorkChange {
  const v = value as Partial<WorkChange> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.type === 'work-change' &&
    typeof v.rev === 'number' &&
    Array.isArray(v.records) &&
    v.records.every(isWorkRecord) &&
    Array.isArray(v.deleted)
  );
}

export type ChangeListener = (change: WorkChange) => void;

/**
 * A context's view of the change stream: its own commits are delivered at once, other contexts'
 * through the channel. One hub per connection, so nothing is delivered twice.
 */
export class WorkHub {
  private listeners = new Set<ChangeListener>();
  private channel: ChannelLike | undefined;

  constructor(channelName: string, factory: ChannelFactory | undefined) {
    this.channel = factory?.(channelName);
    if (this.channel) {
      this.channel.onmessage = (event) => {
        if (isWorkChange(event.data)) this.dispatch(event.data);
      };
    }
  }

  publish(change: WorkChange): void {
    this.dispatch(change);
    this.channel?.postMessage(change);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.channel?.close();
    this.channel = undefined;
    this.listeners.clear();
  }

  private dispatch(change: WorkChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}
