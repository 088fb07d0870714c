// ES module build of the old analytics snippet.

const queue = [];

/** Records an event; events are flushed in batches. */
export function track(event, properties = {}) {
  queue.push({ event, properties, at: Date.now() });
  if (queue.length >= BATCH_SIZE) flush();
}

export const BATCH_SIZE = 20;

export class Tracker {
  constructor(endpoint) {
    this.endpoint = endpoint;
  }

  send(batch) {
    return navigator.sendBeacon(this.endpoint, JSON.stringify(batch));
  }
}

function flush() {
  const batch = queue.splice(0, queue.length);
  new Tracker("/analytics").send(batch);
}
