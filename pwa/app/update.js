// A new version deployed: its service worker installs in the background and waits, so nothing
// changes under someone in the middle of a scan; the app offers the update, and once the new
// version controls the page it reloads (the outbox is in IndexedDB: nothing queued is lost).
const CHECK_EVERY_MS = 60 * 60 * 1000;

/** Register the service worker; call `onWaiting(worker)` when a new version is ready. */
export function watchForUpdates(onWaiting) {
  if (!('serviceWorker' in navigator)) return;
  const { serviceWorker } = navigator;
  serviceWorker.register('/sw.js').then((registration) => {
    const offer = (worker) => { if (worker && serviceWorker.controller) onWaiting(worker); };  // not on the first visit
    offer(registration.waiting);
    registration.addEventListener('updatefound', () => {
      const next = registration.installing;
      next?.addEventListener('statechange', () => { if (next.state === 'installed') offer(next); });
    });
    setInterval(() => registration.update().catch(() => {}), CHECK_EVERY_MS);  // a phone left open for days
  }).catch(() => {});
  let reloading = false;
  serviceWorker.addEventListener('controllerchange', () => {
    if (!reloading) {
      reloading = true;
      window.location.reload();
    }
  });
}

/** Let the waiting version take over (Workbox's service worker listens for this message). */
export function applyUpdate(worker) {
  worker.postMessage({ type: 'SKIP_WAITING' });
}
