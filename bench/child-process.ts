/** Benchmarked programs in their own processes: started, waited for, and stopped. */
import {spawn, type ChildProcess} from 'node:child_process';
import {createInterface} from 'node:readline';

/** Starts `args` with node and resolves with the first stdout line matching `ready`. */
export async function spawnServer(args: string[], ready: RegExp) {
	const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'pipe']});
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`${args[0]} did not start: ${stderr}`)),
			20_000,
		);
		child.once('exit', (code) =>
			reject(new Error(`${args[0]} exited with ${code} before it listened: ${stderr}`)),
		);
		createInterface({input: child.stdout!}).on('line', (line) => {
			const found = ready.exec(line);
			if (found) {
				clearTimeout(timer);
				resolve(found);
			}
		});
	});
	return {child, match};
}

/** SIGTERM, then waits for the exit. */
export async function stopChild(child: ChildProcess) {
	if (child.exitCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill('SIGTERM');
	await exited;
}

/** A process's CPU time (user + system, seconds) and resident memory (bytes), from /proc (Linux). */
export async function processUsage(pid: number): Promise<{cpuSeconds: number; rssBytes: number}> {
	const {readFile} = await import('node:fs/promises');
	const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
	// Fields after the command name (which may hold spaces) — utime and stime are the 14th and 15th.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const ticksPerSecond = 100;
	const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
	const status = await readFile(`/proc/${pid}/status`, 'utf8');
	const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
	return {cpuSeconds, rssBytes: rssKiB * 1024};
}

/**
 * CPU time a process has used so far, in seconds, to the nanosecond: the sum over all its threads
 * (the main thread, V8's garbage-collector helpers, libuv's pool) of the run time in
 * /proc/PID/task/TID/schedstat (Linux). /proc/PID/stat counts in 10 ms ticks, too coarse for a
 * server that works a fraction of a second.
 */
export async function processCpuSeconds(pid: number): Promise<number> {
	const {readdir, readFile} = await import('node:fs/promises');
	let nanoseconds = 0;
	for (const thread of await readdir(`/proc/${pid}/task`)) {
		try {
			const schedstat = await readFile(`/proc/${pid}/task/${thread}/schedstat`, 'utf8');
			nanoseconds += Number(schedstat.split(' ')[0]);
		} catch {
			// The thread ended between the listing and the read: its time is gone with it.
		}
	}

	return nanoseconds / 1e9;
}
