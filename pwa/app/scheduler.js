// When the phone syncs, with no offline switch to forget: at once after sign-in, every half
// minute, when the network comes back, when the app is shown again, as soon as a scan is queued,
// and after a failure again in 2 s, 4 s, … up to 5 minutes (lib/sync.js backoff).
import { useEffect } from 'preact/hooks';

import { fetchHealth } from './api.js';
import { whoAmI } from './passkeys.js';
import { referenceData } from './register.js';

const SYNC_EVERY_MS = 30_000;

/** Keep `engine` syncing while someone (`me`) is signed in; answers the function for "Sync now".
 * `onSignedOut()` when the server's session ended (the queue waits); `onHealth(health)` after each try. */
export function useSyncSchedule(engine, me, { onSignedOut, onHealth }) {
  async function sync() {
    if (!me) return;
    const fresh = await whoAmI().catch(() => undefined);  // also renews the CSRF token after days offline
    if (fresh === null) {  // the session ended: sign in again, the queue waits
      onSignedOut();
      return;
    }
    const state = await engine.syncNow();
    const { db } = engine.outbox;
    if (!state.error && !(await db.get('meta', 'reference'))) referenceData(db);  // for offline registration
    fetchHealth().then(onHealth);
    clearTimeout(engine.retryTimer);
    if (state.error) engine.retryTimer = setTimeout(sync, engine.backoff());
  }
  useEffect(() => {
    if (!me) return undefined;
    sync();
    const timer = setInterval(() => { if (Date.now() >= (engine.nextTry || 0)) sync(); }, SYNC_EVERY_MS);  // pulls too
    const offline = () => onHealth('offline');  // the chip says so at once, not at the next failed sync
    const shown = () => { if (document.visibilityState === 'visible') sync(); };  // back from the pocket
    let queued = engine.state.queued;
    const stopFollowing = engine.store.subscribe((state) => {  // a scan queued: send it while the network is here
      if (state.queued > queued && navigator.onLine) sync();
      queued = state.queued;
    });
    window.addEventListener('online', sync);
    window.addEventListener('offline', offline);
    document.addEventListener('visibilitychange', shown);
    return () => {
      clearInterval(timer);
      clearTimeout(engine.retryTimer);
      stopFollowing();
      window.removeEventListener('online', sync);
      window.removeEventListener('offline', offline);
      document.removeEventListener('visibilitychange', shown);
    };
  }, [me]);
  return sync;
}
