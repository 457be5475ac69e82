/**
 * The local stand-in for S3: a directory per bucket (`<root>/<bucket>/<key>`, the key's slashes as
 * subdirectories), or, without a directory, objects kept in memory. Either way the objects can be listed
 * and read back, which is what the console and the tests do with them.
 *
 * A put is atomic as an S3 PUT is: the object is written to a hidden temporary file in its directory,
 * fsynced, then renamed into place, so a reader (or a crash) never sees half an object. Bucket
 * directories are created on first use.
 */
import {randomUUID} from 'node:crypto';
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {mkdir, open, rename, unlink} from 'node:fs/promises';
import {join, resolve, sep} from 'node:path';

export type StoredObject = {bucket: string; key: string; size: number; lastModified: number};

export type ObjectStore = {
	/** The root directory of the buckets, or undefined when objects are kept in memory. */
	readonly directory: string | undefined;
	put(bucket: string, key: string, body: Uint8Array, now: number): Promise<void>;
	/** Objects of `bucket` whose key starts with `prefix`, sorted by key. */
	list(bucket: string, prefix?: string): StoredObject[];
	get(bucket: string, key: string): Buffer | undefined;
};

const TEMPORARY = /^\..*\.tmp$/;

export class DirectoryObjectStore implements ObjectStore {
	constructor(readonly directory: string) {}

	async put(bucket: string, key: string, body: Uint8Array) {
		const path = this.pathOf(bucket, key);
		const cut = path.lastIndexOf(sep);
		const folder = path.slice(0, cut);
		await mkdir(folder, {recursive: true});
		const temporary = join(folder, `.${path.slice(cut + 1)}.${randomUUID()}.tmp`);
		const file = await open(temporary, 'wx');
		try {
			await file.writeFile(body);
			await file.sync();
		} catch (error) {
			await file.close();
			await unlink(temporary).catch(() => undefined);
			throw error;
		}

		await file.close();
		try {
			await rename(temporary, path);
		} catch (error) {
			await unlink(temporary).catch(() => undefined);
			throw error;
		}
	}

	list(bucket: string, prefix = ''): StoredObject[] {
		const root = this.bucketDirectory(bucket);
		const objects: StoredObject[] = [];
		const walk = (folder: string, keyPrefix: string) => {
			for (const entry of readdirSync(folder, {withFileTypes: true})) {
				const key = keyPrefix + entry.name;
				if (entry.isDirectory()) {
					walk(join(folder, entry.name), key + '/');
				} else if (entry.isFile() && !TEMPORARY.test(entry.name) && key.startsWith(prefix)) {
					const stats = statSync(join(folder, entry.name));
					objects.push({bucket, key, size: stats.size, lastModified: stats.mtimeMs});
				}
			}
		};

		if (existsSync(root) && statSync(root).isDirectory()) walk(root, '');
		return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	}

	get(bucket: string, key: string) {
		try {
			return readFileSync(this.pathOf(bucket, key));
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			throw error;
		}
	}

	bucketDirectory(bucket: string) {
		return join(this.directory, bucket);
	}

	private pathOf(bucket: string, key: string) {
		const root = resolve(this.bucketDirectory(bucket));
		const path = resolve(root, ...key.split('/').filter((segment) => segment !== ''));
		if (!path.startsWith(root + sep)) {
			throw new Error(`object key ${key} does not map to a file inside bucket ${bucket}`);
		}

		return path;
	}
}

/**
 * Objects in memory, at most `maxBytes` of them: beyond it the oldest objects go first, as an S3 lifecycle
 * rule would expire them, so a delivery stream left running (the demo's archive) cannot grow the process
 * without end. Default: no bound.
 */
export class MemoryObjectStore implements ObjectStore {
	readonly directory = undefined;
	private readonly buckets = new Map<string, Map<string, {body: Buffer; lastModified: number}>>();
	/** Every object in the order it was put (a Map keeps insertion order): the oldest goes first. */
	private readonly order = new Map<string, {bucket: string; key: string; bytes: number}>();
	private bytes = 0;

	constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {}

	async put(bucket: string, key: string, body: Uint8Array, now: number) {
		let objects = this.buckets.get(bucket);
		if (!objects) {
			objects = new Map();
			this.buckets.set(bucket, objects);
		}

		const id = `${bucket}/${key}`;
		const replaced = this.order.get(id);
		if (replaced) this.bytes -= replaced.bytes;
		this.order.delete(id);
		objects.set(key, {body: Buffer.from(body), lastModified: now});
		this.order.set(id, {bucket, key, bytes: body.length});
		this.bytes += body.length;
		for (const [oldest, object] of this.order) {
			// The object just put stays, even alone over the bound: a put is never lost at once.
			if (this.bytes <= this.maxBytes || oldest === id) break;
			this.order.delete(oldest);
			this.buckets.get(object.bucket)?.delete(object.key);
			this.bytes -= object.bytes;
		}
	}

	list(bucket: string, prefix = ''): StoredObject[] {
		const objects = [...(this.buckets.get(bucket) ?? new Map()).entries()]
			.filter(([key]) => key.startsWith(prefix))
			.map(([key, object]) => ({
				bucket,
				key,
				size: object.body.length,
				lastModified: object.lastModified,
			}));
		return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	}

	get(bucket: string, key: string) {
		const object = this.buckets.get(bucket)?.get(key);
		return object && Buffer.from(object.body);
	}
}

/**
 * The S3 delivery error Firehose would log for a failed write (developer guide, "Amazon S3 data delivery
 * errors"), from the file system error behind it.
 */
export function s3ErrorOf(error: unknown): {code: string; message: string} {
	const cause = error as NodeJS.ErrnoException;
	const detail = cause?.message ?? String(error);
	switch (cause?.code) {
		case 'EACCES':
		case 'EPERM':
		case 'EROFS': {
			return {
				code: 'S3.AccessDenied',
				message: `Access was denied. Ensure that the trust policy for the provided IAM role allows Firehose to assume the role, and the access policy allows access to the S3 bucket. (${detail})`,
			};
		}

		default: {
			return {
				code: 'InternalError',
				message: `An internal error occurred while attempting to deliver data. Delivery will be retried; if the error persists, then it will be reported to AWS for resolution. (${detail})`,
			};
		}
	}
}
