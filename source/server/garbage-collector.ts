/**
 * The garbage collector's setting for `serve`, a process that moves bytes.
 *
 * V8 sets the old generation's limit by how fast a program allocates there. `serve` allocates almost
 * nothing there under load (PutRecords is read and answered in place, put-records-json.ts), so V8 keeps
 * the limit only a few MB above its ~15 MB heap, while sockets' chunks and the log's segments, external
 * memory, bring on young collections. After them V8 found the limit near and started a full mark of the
 * heap: about ten a second under a full PutRecords load, the marking threads taking a core's fifth.
 * With the heap let grow to three times what a collection leaves (V8's own factor ranges from 1.1 to
 * 4), there was no full mark in a whole round, and serve's CPU per record fell by about 15% on Node 20
 * and Node 24 (`npm run bench -- --only=wire-load`). The heap it allows is a few tens of MB.
 */
import {setFlagsFromString} from 'node:v8';

export function tuneGarbageCollectorForServing() {
	// V8 reads it each time it sets the limit: it applies from the next collection on.
	setFlagsFromString('--heap-growing-percent=200');
}
