import { syncTagFor, type ExecutorCommand, type WakeRequest } from './runtimeMessages';
import type { WorkInfo } from './types';
import { WorkManager, type WorkManagerOptions } from './WorkManager';

export interface PageWorkManagerOptions extends WorkManagerOptions {
  /**
   * Starts the app's executor Worker, whose module calls `startExecutor({ name, workers, page:
   * self })`. The app owns the URL, so the page bundle imports no worker code.
   */
  executor: () => Worker;
  /** The Background Sync tag kept registered while work is pending; `work:<name>` by default. */
  syncTag?: string;
  /** Where Background Sync and wake-ups go; `navigator.serviceWorker.ready` by default. */
  serviceWorker?: () => Promise<ServiceWorkerRegistration | undefined>;
}

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

const PENDING = ['ENQUEUED', 'RUNNING', 'BLOCKED'] as const;

/**
 * The page's face of the library: a WorkManager (enqueue, cancel, observe) plus the runtime
 * around it. It starts the executor Worker; hands the scheduler lock on when the page is frozen
 * or hidden and takes it back when shown; re-reads observed queries when the page comes back
 * (it may have missed broadcasts); keeps a Background Sync tag registered while work is pending,
 * so that the service worker finishes the work after the last tab closes.
 */
export async function openPageWorkManager(options: PageWorkManagerOptions): Promise<WorkManager> {
  const manager = await WorkManager.open(options);
  const executor = options.executor();
  const ready = options.serviceWorker ?? defaultRegistration;
  const tag = options.syncTag ?? syncTagFor(options.name);
  const sync = new SyncKeeper(ready, tag);
  manager.observe({ states: [...PENDING] }, (infos) => sync.pendingChanged(infos));
  listenToLifecycle(manager, executor, () => wakeServiceWorker(ready, options.name, sync));
  void shareBattery(manager);
  return manager;
}

interface BatteryLike extends EventTarget {
  level: number;
  charging: boolean;
}

/** Readings expire after 15 minutes (batteryReading.ts): refresh well before, while open. */
const BATTERY_SHARE_MS = 5 * 60_000;

/** Only windows have the Battery Status API: share its readings with the executors. */
async function shareBattery(manager: WorkManager): Promise<void> {
  const nav = navigator as Navigator & { getBattery?: () => Promise<BatteryLike> };
  const battery = await nav.getBattery?.().catch(() => undefined);
  if (!battery) return;
  const share = (): void =>
    void manager
      .shareBatteryReading({ level: battery.level, charging: battery.charging, at: Date.now() })
      .catch(() => undefined); // the connection closed (an upgrade): nothing to share into
  battery.addEventListener('levelchange', share);
  battery.addEventListener('chargingchange', share);
  setInterval(share, BATTERY_SHARE_MS);
  share();
}

function defaultRegistration(): Promise<ServiceWorkerRegistration | undefined> {
  return 'serviceWorker' in navigator ? navigator.serviceWorker.ready : Promise.resolve(undefined);
}

function listenToLifecycle(manager: WorkManager, executor: Worker, onLeave: () => void): void {
  const command = (c: ExecutorCommand['command']): void =>
    executor.postMessage({ type: 'work:executor', command: c } satisfies ExecutorCommand);
  const leave = (): void => {
    command('pause');
    onLeave();
  };
  const back = (): void => {
    command('resume');
    void manager.refresh();
  };
  // A frozen page runs nothing: let another tab (or the service worker) lead meanwhile.
  document.addEventListener('freeze', leave);
  document.addEventListener('resume', back);
  window.addEventListener('pagehide', leave);
  window.addEventListener('pageshow', (event) => event.persisted && back());
  // A hidden page may be throttled and miss broadcasts: re-read what it shows when visible.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void manager.refresh();
  });
}

/**
 * Asks the service worker to take over once this page lets go (the fallback where Background
 * Sync is missing; with it, the pending `sync` event does the same).
 */
function wakeServiceWorker(
  ready: () => Promise<ServiceWorkerRegistration | undefined>,
  name: string,
  sync: SyncKeeper,
): void {
  if (!sync.hasPending) return;
  sync.reregister();
  const active = navigator.serviceWorker?.controller;
  const message: WakeRequest = { type: 'work:wake', name };
  if (active) active.postMessage(message);
  else void ready().then((r) => r?.active?.postMessage(message));
}

/**
 * Keeps the sync tag registered while work is pending: when work first becomes pending, again
 * every half minute while it stays so (the service worker's `sync` event ends, and with it the
 * registration, when it gives up waiting for the lock), and when the page leaves.
 */
class SyncKeeper {
  hasPending = false;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly ready: () => Promise<ServiceWorkerRegistration | undefined>,
    private readonly tag: string,
  ) {}

  pendingChanged(infos: WorkInfo[]): void {
    const pending = infos.length > 0;
    if (pending === this.hasPending) return;
    this.hasPending = pending;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (!pending) return;
    this.reregister();
    this.timer = setInterval(() => this.reregister(), 30_000);
  }

  reregister(): void {
    void this.register().catch((error: unknown) =>
      // Refused (no permission, or the browser's policy): the app-open fallback remains.
      console.warn('work: Background Sync registration failed', error),
    );
  }

  private async register(): Promise<void> {
    const registration = await this.ready();
    const sync = (registration as { sync?: SyncManagerLike } | undefined)?.sync;
    await sync?.register(this.tag);
  }
}
