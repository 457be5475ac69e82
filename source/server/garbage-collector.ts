/**
 * The garbage collector's setting for `serve`, a process that moves bytes.
 *
 * V8 sets the old generation's limit by how fast a program allocates there. `serve` allocates almost
 * nothing there under load (PutRecords is read and answered in place, put-records-json.ts), so V8 keeps
 * the limit only a few MB above its ~15 MB heap, while sockets' chunks and the log's segments, external
 * memory, bring on young collections. After them V8 found the limit near and started a full mark of the
 * heap: about ten a second under a full PutRecords load, its marking threads taking a third of a core.
 * With the heap let grow to three times what a collection leaves (V8's own factor ranges from 1.1 to
 * 4), full marks fell to three or four a second (brought on by the store's own growth: new segments are
 * external memory too), and serve's CPU per record (every thread) by 11–17% on Node 20 and Node 24.
 * The heap it allows is a few tens of MB.
 */
import {setFlagsFromString} from 'node:v8';

export function tuneGarbageCollectorForServing() {
	// V8 reads it each time it sets the limit: it applies from the next collection on.
	setFlagsFromString('--heap-growing-percent=200');
}
