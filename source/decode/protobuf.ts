/**
 * Just enough protocol buffers to read a message by hand: varints, length-delimited fields, and
 * skipping whatever a reader does not ask for (https://protobuf.dev/programming-guides/encoding/).
 */

export const WireType = {varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5} as const;

export class ProtobufError extends Error {
	override readonly name = 'ProtobufError';
}

const utf8 = new TextDecoder('utf-8', {fatal: true});

export class ProtoReader {
	private position: number;

	constructor(
		private readonly bytes: Uint8Array,
		start = 0,
		private readonly end = bytes.length,
	) {
		this.position = start;
	}

	done() {
		return this.position >= this.end;
	}

	/** The next field's number and wire type. */
	tag(): {field: number; wireType: number} {
		const tag = this.varint();
		const field = Math.floor(tag / 8);
		if (field === 0) throw new ProtobufError('field number 0');
		return {field, wireType: tag % 8};
	}

	/** An unsigned varint; one beyond 2^53 (never an index or a length here) is refused. */
	varint(): number {
		let value = 0;
		let scale = 1;
		for (let i = 0; i < 10; i++) {
			if (this.position >= this.end) throw new ProtobufError('truncated varint');
			const byte = this.bytes[this.position++];
			value += (byte & 0x7f) * scale;
			if (byte < 0x80) {
				if (!Number.isSafeInteger(value)) throw new ProtobufError('varint too large');
				return value;
			}

			scale *= 128;
		}

		throw new ProtobufError('varint longer than 10 bytes');
	}

	/** A length-delimited field's bytes (a view, not a copy). */
	bytesField(): Uint8Array {
		const length = this.varint();
		if (length > this.end - this.position) throw new ProtobufError('truncated field');
		const value = this.bytes.subarray(this.position, this.position + length);
		this.position += length;
		return value;
	}

	string(): string {
		try {
			return utf8.decode(this.bytesField());
		} catch (error) {
			if (error instanceof ProtobufError) throw error;
			throw new ProtobufError('string is not UTF-8');
		}
	}

	/** A nested message's reader, positioned over its bytes. */
	message(): ProtoReader {
		const value = this.bytesField();
		return new ProtoReader(value);
	}

	skip(wireType: number) {
		switch (wireType) {
			case WireType.varint: {
				this.varint();
				return;
			}

			case WireType.fixed64: {
				this.advance(8);
				return;
			}

			case WireType.lengthDelimited: {
				this.bytesField();
				return;
			}

			case WireType.fixed32: {
				this.advance(4);
				return;
			}

			default: {
				throw new ProtobufError(`unsupported wire type ${wireType}`);
			}
		}
	}

	private advance(count: number) {
		if (count > this.end - this.position) throw new ProtobufError('truncated field');
		this.position += count;
	}
}
