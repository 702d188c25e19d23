// The greeter's board on the phone, with or without network: the batch's roster (pulled), the
// workers' states (pulled: other greeters' scans arrive with each sync) and this phone's own
// scans (by card serial). Pure: the same answer as the server's board for the same facts.
const ARRIVED_OR_LATER = new Set(['arrived', 'employed', 'ended']);

/** `batch`: the pulled batch; `workers`: id -> pulled summary; `scanned`: {serial: name} scanned here. */
export function boardFor(batch, workers, scanned) {
  const bySerial = new Map(Object.values(workers).filter((w) => w.card_serial).map((w) => [w.card_serial, w]));
  const here = new Set(Object.keys(scanned).map((serial) => bySerial.get(serial)?.id).filter(Boolean));
  const onRoster = new Set(batch.roster.map((m) => m.worker_id));
  const expected = batch.roster.filter((m) => m.departed || batch.status !== 'departed');
  const leaders = Object.fromEntries(batch.team_leaders.map((l) => [l.township, l.name]));
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
      group.missing.push(member.name);
      missing.push(member);
    }
  }
  const unexpected = Object.entries(scanned)
    .filter(([serial]) => !onRoster.has(bySerial.get(serial)?.id))
    .map(([serial, name]) => ({ serial, name }));
  return {
    expected: expected.length, arrived, missing: missing.length, unexpected: unexpected.length,
    townships: [...townships.values()].sort((a, b) => a.township.localeCompare(b.township, 'zh')),
    missingPeople: missing, unexpectedPeople: unexpected,
    arrivedIds: expected.filter((m) => !missing.includes(m)).map((m) => m.worker_id),
  };
}

/** Is the holder of the card `serial` on the batch's roster? (`workers`: the pulled summaries.) */
export function onRoster(batch, workers, serial) {
  const holder = Object.values(workers).find((w) => w.card_serial === serial);
  return Boolean(holder) && batch.roster.some((m) => m.worker_id === holder.id);
}
