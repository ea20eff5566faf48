import { ExpansionHost } from './host.ts';
import type { WorkerAnswer, WorkerRequest } from './protocol.ts';

/**
 * The expansion worker: the engine (src/engine/index.ts) off the page's main thread. Every message
 * is read at once; the work waits for a task of its own, so messages that arrived meanwhile (a
 * burst of keystrokes) are read first and only the latest plan is expanded.
 */
interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerAnswer): void;
}

const scope = globalThis as unknown as WorkerScope;
const host = new ExpansionHost();
let scheduled = false;

function drain(): void {
  scheduled = false;
  host.work((answer) => scope.postMessage(answer));
}

scope.onmessage = (event) => {
  host.receive(event.data);
  if (!scheduled && host.busy) {
    scheduled = true;
    setTimeout(drain, 0);
  }
};
