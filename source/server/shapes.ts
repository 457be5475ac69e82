/**
 * Just enough of each action's input shape to do what AWS's deserializer does before any business
 * logic: reject a member of the wrong type with SerializationException, decode blobs (base64 in JSON)
 * and timestamps (epoch seconds). Unknown members are ignored, as AWS ignores them.
 */
export type Shape =
	| 'string'
	| 'integer'
	| 'boolean'
	| 'blob'
	| 'timestamp'
	| 'map'
	| {list: Shape}
	| {structure: Record<string, Shape>};

export class SerializationError extends Error {}

const BASE64 = /^(?:[A-Za-z\d+/]{4})*(?:[A-Za-z\d+/]{2}==|[A-Za-z\d+/]{3}=)?$/;

/** Checks and converts `value` against `shape`; throws SerializationError as AWS would. */
export function decode(value: unknown, shape: Shape, path: string): unknown {
	if (value === null || value === undefined) return undefined;
	if (typeof shape === 'object') {
		if ('list' in shape) {
			if (!Array.isArray(value)) {
				throw new SerializationError(`Start of list found where not expected at ${path}`);
			}

			return value.map((item, index) => decode(item, shape.list, `${path}[${index}]`));
		}

		if (typeof value !== 'object' || Array.isArray(value)) {
			throw new SerializationError(`Start of structure or map found where not expected at ${path}`);
		}

		const decoded: Record<string, unknown> = {};
		for (const [member, memberShape] of Object.entries(shape.structure)) {
			const memberValue = decode((value as Record<string, unknown>)[member], memberShape, member);
			if (memberValue !== undefined) decoded[member] = memberValue;
		}

		return decoded;
	}

	switch (shape) {
		case 'string': {
			if (typeof value !== 'string')
				throw new SerializationError(`${typeof value} can not be converted to a String`);
			return value;
		}

		case 'integer': {
			if (typeof value !== 'number' || !Number.isInteger(value)) {
				throw new SerializationError(`${JSON.stringify(value)} can not be converted to an Integer`);
			}

			return value;
		}

		case 'boolean': {
			if (typeof value !== 'boolean')
				throw new SerializationError(`${JSON.stringify(value)} can not be converted to a Boolean`);
			return value;
		}

		case 'blob': {
			if (value instanceof Uint8Array) return value;
			if (typeof value !== 'string' || !BASE64.test(value)) {
				throw new SerializationError(`Base64 encoded blob expected at ${path}`);
			}

			return Buffer.from(value, 'base64');
		}

		case 'timestamp': {
			if (value instanceof Date) return value;
			if (typeof value !== 'number' || !Number.isFinite(value)) {
				throw new SerializationError(
					`${JSON.stringify(value)} can not be converted to a Timestamp`,
				);
			}

			return new Date(Math.round(value * 1000));
		}

		case 'map': {
			if (typeof value !== 'object' || Array.isArray(value)) {
				throw new SerializationError(
					`Start of structure or map found where not expected at ${path}`,
				);
			}

			for (const entry of Object.values(value as object)) {
				if (typeof entry !== 'string')
					throw new SerializationError(`Map values must be strings at ${path}`);
			}

			return value;
		}
	}
}

/** Engine output → JSON wire values: Dates as epoch seconds, bytes as base64. */
export function toWire(value: unknown): unknown {
	if (value instanceof Date) return value.getTime() / 1000;
	if (value instanceof Uint8Array)
		return Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64');
	if (Array.isArray(value)) return value.map(toWire);
	if (value && typeof value === 'object') {
		const wire: Record<string, unknown> = {};
		for (const [key, member] of Object.entries(value)) {
			if (member !== undefined) wire[key] = toWire(member);
		}

		return wire;
	}

	return value;
}
