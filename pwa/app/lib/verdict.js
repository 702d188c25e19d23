// What a scanned text means on this phone, before anything is queued: a card's holder, a
// temporary pass, a short code; recorded already or not; and what the phone knows that the clerk
// must see first (not on this batch, already at work, employed elsewhere). Pure — no screen, no
// storage: the scan screen gathers the facts (keys, revocations, pulled roster and workers, what
// this phone recorded) and words the answer; pwa/test/verdict.test.js tests the rules.
import { CardError, verifyCard } from './card.js';
import { normalizeFallbackCode } from './fallback.js';
import { passWorkerId } from './temporary.js';

// Scans that change someone's employment: each waits for the clerk's tap, so that a card left in
// the camera's view does not make anyone employed, moved or gone.
export const CONFIRMED_BY_TAP = new Set(['employer.onboarded', 'employment.reassigned', 'employment.ended']);
// The same card in the same mode within this is a repeat, whatever its scope.
export const REPEAT_WITHIN_MS = 60_000;
const AT_WORK_OR_LATER = new Set(['arrived', 'employed']);

/** What the text is: {kind: 'pass', workerId} | {kind: 'code', code} | {kind: 'card'}. */
export function readText(text) {
  const workerId = passWorkerId(text);
  if (workerId) return { kind: 'pass', workerId };
  const code = !text.startsWith('LP1:') && normalizeFallbackCode(text);
  if (code) return { kind: 'code', code };
  return { kind: 'card' };
}

/** The card's claims, or the refusal: {claims} | {refusal: CardError}. Other errors are thrown. */
export async function checkCard(text, keys, revoked, today) {
  try {
    return { claims: await verifyCard(text, keys, { revoked, today }) };
  } catch (error) {
    if (!(error instanceof CardError)) throw error;
    return { refusal: error };
  }
}

/** Where the phone keeps that it recorded `who` (a card serial, `worker-<id>`, `pass-<id>`) for
 * this type in this scope: a fair (and employer, for intentions), a batch, a training, a month. */
export function seenKey(type, scope, who) {
  return `seen:${type}:${scope}:${who}`;
}

/** What a seen key keeps: when (the clerk's clock, and in ms), whom, and where (the fair or batch, the station). */
export function seenMark(name, where = '', at = new Date()) {
  return { at: at.toLocaleTimeString('zh-CN'), ms: at.getTime(), name, where };
}

/** Is a scan a repeat of `earlier` (what the phone kept under its seen key, or null)? Check-in,
 * arrival, boarding, training and the monthly confirmation count once in their scope; a change of
 * employment (confirmed by a tap) is a repeat only within a minute — a second one later is real. */
export function isRepeat(type, earlier, now) {
  if (!earlier) return false;
  if (!CONFIRMED_BY_TAP.has(type)) return true;
  return typeof earlier.ms === 'number' && now - earlier.ms < REPEAT_WITHIN_MS;
}

/**
 * The verdict for one scan, as data: {colour: 'green'|'amber'|'red', record, tap, reason, ...}.
 * `record`: whether the scan goes to the outbox; `tap`: it waits for the clerk's tap first.
 * Facts: `type`; `refusal` (checkCard's, for a card); `earlier` (under the seen key); `now` (ms);
 * `workerId`: whom the scan names, where the phone knows (the card's holder among the pulled
 * workers, a pass's or a name's worker); `holder`: that worker's pulled summary, if pulled;
 * `batch`: the batch picked, at the station; `batches`: the pulled batches; `employerId`: the
 * scanner's employer.
 */
export function judge({ type, refusal = null, earlier = null, now, workerId = null, holder = null,
  batch = null, batches = [], employerId = null }) {
  const tap = CONFIRMED_BY_TAP.has(type);
  if (refusal?.reason === 'malformed') return { colour: 'red', record: false, tap: false, reason: 'malformed' };
  if (refusal) return { colour: 'red', record: true, tap, reason: refusal.reason };  // the server's quarantine
  if (isRepeat(type, earlier, now)) return { colour: 'amber', record: false, tap: false, reason: 'repeat', earlier };
  const warning = warningFor({ type, workerId, holder, batch, batches, employerId });
  return { colour: warning ? 'amber' : 'green', record: true, tap, ...warning };
}

/** The card's holder among the pulled workers (id -> summary), or null. */
export function holderOf(workers, serial) {
  return Object.values(workers).find((w) => w.card_serial === serial) || null;
}

const rostered = (batch, workerId) => batch.roster.some((m) => m.worker_id === workerId);

/** What the clerk must see before trusting a good card: {reason, ...} or null. */
function warningFor({ type, workerId, holder, batch, batches, employerId }) {
  if (type === 'station.arrived' && batch && !(workerId && rostered(batch, workerId))) {
    const other = workerId && batches.find((b) => b.id !== batch.id && rostered(b, workerId));
    return { reason: 'not_on_batch', otherBatch: other ? other.name : null };
  }
  if (!holder) return null;
  if (type.startsWith('fair.') && AT_WORK_OR_LATER.has(holder.status)) return { reason: 'already_away', status: holder.status };
  // (an employer's phone is not told where someone it employed once works now: employed, not here, is elsewhere)
  if (type === 'employer.onboarded' && holder.status === 'employed' && holder.current_employer_id !== employerId) {
    return { reason: 'employed_elsewhere' };
  }
  return null;
}
