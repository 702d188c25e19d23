// What screens follow instead of props handed down: the sync's state (queued, lastSyncAt, error)
// and `changes`, a count that moves whenever the phone's own data changed (a scan queued, an
// answer settled, a pull). A screen subscribes (ui.js `useStore`) and reads IndexedDB again when
// `changes` moves.
export class Store {
  constructor(state = { queued: 0, lastSyncAt: null, error: null, changes: 0 }) {
    this.state = state;
    this.listeners = new Set();
  }

  get() {
    return this.state;
  }

  /** Merge `patch` in and tell every subscriber. */
  set(patch) {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }

  /** The phone's data changed: `changes` moves (with `patch`, if any). */
  changed(patch = {}) {
    this.set({ ...patch, changes: this.state.changes + 1 });
  }

  /** Call `listener(state)` at every change; answers the function that stops it. */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
