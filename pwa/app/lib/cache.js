// The pull cache: what the phone holds of its scope (workers, keys, revocations, fairs, batches,
// trainings, its own events), written only by the pull, with its cursor and when it last synced.
export class PullCache {
  constructor(db) {
    this.db = db;
  }

  async cursor() {
    return (await this.db.get('meta', 'cursor')) || '';
  }

  /** A page of the server's changes and the cursor after it, in one transaction: a crash leaves
   * the page and its cursor both, or neither. */
  async apply(changes, cursor) {
    const tx = this.db.transaction(['records', 'meta'], 'readwrite');
    for (const change of changes) {
      if (change.op === 'delete') tx.objectStore('records').delete([change.kind, change.id]);
      else tx.objectStore('records').put({ kind: change.kind, id: change.id, data: change.data });
    }
    tx.objectStore('meta').put(cursor, 'cursor');
    await tx.done;
  }

  async lastSyncAt() {
    return (await this.db.get('meta', 'lastSyncAt')) || null;
  }

  async synced(at) {
    await this.db.put('meta', at, 'lastSyncAt');
  }
}

/** Everything pulled of one kind (workers, keys, revocations, batches, fairs). */
export async function recordsOf(db, kind) {
  return (await db.getAllFromIndex('records', 'kind', kind)).map((row) => row.data);
}

/** One pulled thing, or null. */
export async function recordOf(db, kind, id) {
  return (await db.get('records', [kind, id]))?.data || null;
}
