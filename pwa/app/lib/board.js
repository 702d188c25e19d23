// The greeter's board on the phone, with or without network: the batch's roster (pulled), the
// workers' states (pulled: other greeters' scans arrive with each sync) and this phone's own
// scans (by card serial). Pure: the same answer as the server's board for the same facts.
const ARRIVED_OR_LATER = new Set(['arrived', 'employed', 'ended']);

/** `batch`: the pulled batch; `workers`: id -> pulled summary; `scanned`: {who: name} scanned here,
 * where `who` is a card serial, or `worker-<id>` (found by name) or `pass-<id>` (a temporary pass). */
export function boardFor(batch, workers, scanned) {
  const bySerial = new Map(Object.values(workers).filter((w) => w.card_serial).map((w) => [w.card_serial, w]));
  const idOf = (who) => (/^(worker|pass)-/.test(who) ? who.replace(/^(worker|pass)-/, '') : bySerial.get(who)?.id);
  const here = new Set(Object.keys(scanned).map(idOf).filter(Boolean));
  const onRoster = new Set(batch.roster.map((m) => m.worker_id));
  const expected = batch.roster.filter((m) => m.departed || batch.status !== 'departed');
  const leaders = Object.fromEntries(batch.team_leaders.map((l) => [l.township, { name: l.name, phone: l.phone || null }]));
  const townships = new Map();
  const missing = [];
  let arrived = 0;
  for (const member of expected) {
    const township = member.township || '';
    if (!townships.has(township)) {
      townships.set(township, { township, leader: leaders[township] || null, expected: 0, arrived: 0, missing: [] });
    }
    const group = townships.get(township);
    group.expected += 1;
    if (here.has(member.worker_id) || ARRIVED_OR_LATER.has(workers[member.worker_id]?.status)) {
      group.arrived += 1;
      arrived += 1;
    } else {
      group.missing.push({ name: member.name, phone: member.phone || null });
      missing.push(member);
    }
  }
  const unexpected = Object.entries(scanned)
    .filter(([who]) => !onRoster.has(idOf(who)))
    .map(([who, name]) => ({ who, name, workerId: idOf(who) || null }));
  return {
    expected: expected.length, arrived, missing: missing.length, unexpected: unexpected.length,
    townships: [...townships.values()].sort((a, b) => a.township.localeCompare(b.township, 'zh')),
    missingPeople: missing, unexpectedPeople: unexpected,
    arrivedIds: expected.filter((m) => !missing.includes(m)).map((m) => m.worker_id),
  };
}
