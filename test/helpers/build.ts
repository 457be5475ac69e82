/**
 * Builds dist/ (tsc -p tsconfig.build.json) once for all the test files that run the real binary. Test
 * files run in parallel workers: a lock directory makes one of them build while the others wait, and a
 * stamp written after each build lets the later ones skip it while the sources are unchanged — so no
 * process starts from a file another worker is rewriting.
 */
import {execFile} from 'node:child_process';
import {mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const lock = join(root, 'dist', '.test-build-lock');
const stamp = join(root, 'dist', '.test-build-stamp');
/** A lock older than this was left by a worker that died mid-build. */
const STALE_MS = 180_000;

let built: Promise<void> | undefined;

/** Resolves once dist/ holds a build of the current sources (built by this worker or another). */
export function ensureBuilt(): Promise<void> {
	built ??= build();
	return built;
}

/** The newest modification time among the build's inputs. */
function newestSource(): number {
	let newest = Math.max(
		...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map(
			(file) => statSync(join(root, file)).mtimeMs,
		),
	);
	for (const directory of ['source', 'bench', 'scripts']) {
		for (const entry of readdirSync(join(root, directory), {
			recursive: true,
			withFileTypes: true,
		})) {
			if (entry.isFile())
				newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
		}
	}

	return newest;
}

const upToDate = () => (statSync(stamp, {throwIfNoEntry: false})?.mtimeMs ?? 0) > newestSource();

async function build() {
	mkdirSync(join(root, 'dist'), {recursive: true});
	if (upToDate()) return;
	for (;;) {
		try {
			mkdirSync(lock);
			break;
		} catch {
			const held = statSync(lock, {throwIfNoEntry: false});
			if (held && Date.now() - held.mtimeMs > STALE_MS) {
				rmSync(lock, {recursive: true, force: true});
				continue;
			}

			// Another worker is building: its build will do for this one too once it is done.
			await new Promise((resolve) => setTimeout(resolve, 100));
			if (statSync(lock, {throwIfNoEntry: false}) === undefined) return;
		}
	}

	try {
		if (upToDate()) return;
		const started = new Date();
		try {
			await promisify(execFile)(
				process.execPath,
				[join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
				{cwd: root},
			);
		} catch (error) {
			const {stdout, stderr} = error as {stdout?: string; stderr?: string};
			// Type errors elsewhere still emit JavaScript; only a build that produced nothing is fatal.
			if (!statSync(join(root, 'dist/source/cli.js'), {throwIfNoEntry: false})) {
				throw new Error(`the build failed:\n${stdout ?? ''}${stderr ?? ''}`);
			}
		}

		// Stamped with the time the build started: a source changed during the build is newer.
		writeFileSync(stamp, '');
		utimesSync(stamp, started, started);
	} finally {
		rmSync(lock, {recursive: true, force: true});
	}
}
