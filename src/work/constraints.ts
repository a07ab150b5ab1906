import { BATTERY_READING_TTL_MS, isBatteryReading } from './batteryReading';
import type { Constraints, StopReason } from './types';

/** What the device offers now, as the constraint sources see it. */
export interface ConstraintState {
  network: 'offline' | 'metered' | 'unmetered';
  batteryLow: boolean;
  charging: boolean;
  storageLow: boolean;
}

/** A pluggable view of the device: the scheduler reads `current()` and re-checks on changes. */
export interface ConstraintSource {
  current(): ConstraintState;
  subscribe(listener: () => void): () => void;
}

/** The stop reason of the first constraint that does not hold, or null when all hold. */
export function unmetConstraint(c: Constraints, s: ConstraintState): StopReason | null {
  if (c.network === 'connected' && s.network === 'offline') return 'constraint-network';
  if (c.network === 'unmetered' && s.network !== 'unmetered') return 'constraint-network';
  if (c.batteryNotLow && s.batteryLow) return 'constraint-battery-not-low';
  if (c.charging && !s.charging) return 'constraint-charging';
  if (c.storageNotLow && s.storageLow) return 'constraint-storage-not-low';
  return null;
}

/** A source whose state is set by hand: the test driver's, and a base for custom sources. */
export class MemoryConstraints implements ConstraintSource {
  private state: ConstraintState = {
    network: 'unmetered',
    batteryLow: false,
    charging: true,
    storageLow: false,
  };
  private listeners = new Set<() => void>();

  current(): ConstraintState {
    return this.state;
  }

  set(patch: Partial<ConstraintState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

interface NetworkInformationLike extends EventTarget {
  type?: string;
  saveData?: boolean;
}

interface BatteryLike extends EventTarget {
  level: number;
  charging: boolean;
}

interface NavigatorLike {
  onLine?: boolean;
  connection?: NetworkInformationLike;
  getBattery?: () => Promise<BatteryLike>;
  storage?: { estimate?: () => Promise<{ usage?: number; quota?: number }> };
}

/** Android's BATTERY_LOW threshold is about 15 %; storage is low under 10 % of the quota free. */
const LOW_BATTERY = 0.15;
const LOW_STORAGE = 0.1;
const POLL_MS = 60_000;

export interface BrowserConstraintsOptions {
  /** Reads the BatteryReading a window shared (see batteryReading.ts), where there is no API. */
  sharedBattery?: () => Promise<unknown>;
  /**
   * Resolves true when the network answers. Where `navigator.onLine` cannot be trusted (a
   * service worker: Chromium fires it no online/offline events, and under DevTools offline
   * emulation it reads true once the last page closes, while fetches fail), connectivity is
   * judged by this probe: offline until it first answers, re-probed every 10 s and on `online`.
   */
  probe?: () => Promise<boolean>;
}

const PROBE_MS = 10_000;

/**
 * The browser's signals, with the definitions the README states:
 * - network: offline when `navigator.onLine` is false (read afresh at every check, since a
 *   worker may miss the events); `unmetered` when connected and Network Information does not
 *   report `cellular` or `saveData`; everything else connected is `metered`.
 * - battery: the Battery Status API where this context has it (windows), else the reading a
 *   window shared through IndexedDB, for 15 minutes; with no fresh reading it counts as met.
 *   Low = not charging and under 15 %.
 * - storage: low when less than 10 % of the quota from `storage.estimate()` is free (polled).
 */
export class BrowserConstraints extends MemoryConstraints {
  private stopPolling: (() => void) | undefined;
  /** The probe's last answer; null before the first. */
  private reachable: boolean | null = null;
  private readonly nav = (globalThis as { navigator?: NavigatorLike }).navigator ?? {};

  constructor(private readonly options: BrowserConstraintsOptions = {}) {
    super();
    this.set({ network: this.network() });
  }

  override current(): ConstraintState {
    const state = super.current();
    const network = this.network();
    if (network === state.network) return state;
    // Tell the subscribers later: current() is called from inside their own checks.
    queueMicrotask(() => this.set({ network: this.network() }));
    return { ...state, network };
  }

  override subscribe(listener: () => void): () => void {
    const unsubscribe = super.subscribe(listener);
    this.stopPolling ??= this.watch();
    return unsubscribe;
  }

  private network(): ConstraintState['network'] {
    if (this.nav.onLine === false) return 'offline';
    if (this.options.probe && this.reachable !== true) return 'offline';
    const c = this.nav.connection;
    return c && (c.type === 'cellular' || c.saveData) ? 'metered' : 'unmetered';
  }

  private watch(): () => void {
    const onNetwork = () => {
      this.set({ network: this.network() });
      void this.probeNetwork();
    };
    const target = globalThis as unknown as Partial<EventTarget>;
    target.addEventListener?.('online', onNetwork);
    target.addEventListener?.('offline', onNetwork);
    this.nav.connection?.addEventListener('change', onNetwork);
    void this.probeNetwork();
    const probing = this.options.probe
      ? globalThis.setInterval(() => void this.probeNetwork(), PROBE_MS)
      : undefined;
    const local = this.nav.getBattery !== undefined;
    if (local) void this.watchBattery();
    const poll = () => {
      void this.checkStorage();
      if (!local) void this.readSharedBattery();
    };
    poll();
    const timer = globalThis.setInterval(poll, POLL_MS);
    return () => {
      globalThis.clearInterval(timer);
      globalThis.clearInterval(probing);
    };
  }

  private async probeNetwork(): Promise<void> {
    if (!this.options.probe) return;
    this.reachable = await this.options.probe().catch(() => false);
    const network = this.network();
    if (network !== super.current().network) this.set({ network });
  }

  private async watchBattery(): Promise<void> {
    const battery = await this.nav.getBattery?.().catch(() => undefined);
    if (!battery) return;
    const update = () => this.setBattery(battery.level, battery.charging);
    battery.addEventListener('levelchange', update);
    battery.addEventListener('chargingchange', update);
    update();
  }

  private async readSharedBattery(): Promise<void> {
    const reading: unknown = await this.options.sharedBattery?.().catch(() => undefined);
    const fresh = isBatteryReading(reading) && Date.now() - reading.at < BATTERY_READING_TTL_MS;
    if (fresh) this.setBattery(reading.level, reading.charging);
    else this.setBattery(1, true); // unknown counts as met
  }

  private setBattery(level: number, charging: boolean): void {
    const batteryLow = !charging && level < LOW_BATTERY;
    const s = super.current();
    if (s.charging !== charging || s.batteryLow !== batteryLow) this.set({ charging, batteryLow });
  }

  private async checkStorage(): Promise<void> {
    const estimate = await this.nav.storage?.estimate?.().catch(() => undefined);
    if (!estimate?.quota) return;
    const low = (estimate.quota - (estimate.usage ?? 0)) / estimate.quota < LOW_STORAGE;
    if (low !== super.current().storageLow) this.set({ storageLow: low });
  }
}
