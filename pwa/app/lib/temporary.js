// The temporary pass of someone registered on the spot with no network: "LPT1:" and the worker id
// the phone made, as a QR code the phone draws itself. Nothing is signed (the phone has no key):
// scanners show it amber, the server flags what is recorded with it, and it is good for 60 days
// after the registration — the signed card is issued once the registration has synced.
import { qrSvg } from './qr.js';

const PREFIX = 'LPT1:';
const PATTERN = /^LPT1:([0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})$/;
export const PASS_DAYS = 60;

export function temporaryPass(workerId) {
  return PREFIX + workerId.toUpperCase();
}

/** The worker id a scanned text names, or null when it is not a temporary pass. */
export function passWorkerId(text) {
  const match = PATTERN.exec(text.trim().toUpperCase());
  return match ? match[1].toLowerCase() : null;
}

/** The pass as an SVG QR code (alphanumeric mode: capitals, digits and "-:" only). */
export function passSvg(text) {
  return qrSvg(text, { alphanumeric: true });
}
