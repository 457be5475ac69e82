import {gzipSync} from 'node:zlib';
import stringWidth from 'string-width';
import {describe, expect, test} from 'vitest';
import {base64Lines, toBase64} from '../../source/decode/base64.js';
import {logsEnvelopeOf} from '../../source/decode/cloudwatch-logs.js';
import {decodeRecord} from '../../source/decode/detect.js';
import {gunzip, isGzip} from '../../source/decode/gzip.js';
import {bytesPerLineFor, hexDump, hexInline, hexLineWidth} from '../../source/decode/hex.js';
import {layoutJson, parseJson, type JsonLine} from '../../source/decode/json.js';
import {deaggregate, isKplAggregate} from '../../source/decode/kpl.js';
import {Payload} from '../../source/decode/payload.js';
import {
	DECODE_MODES,
	fitLine,
	nextDecodeMode,
	payloadLines,
	previewLine,
	representationOf,
	type Line,
} from '../../source/decode/present.js';
import {ProtobufError, ProtoReader} from '../../source/decode/protobuf.js';
import {decodeUtf8, escapeControls, looksLikeText, safeLines} from '../../source/decode/text.js';
import {aggregatedRecord, lengthField, varint, varintField} from './kpl-fixture.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const lineText = (line: JsonLine | Line) => line.map((token) => token.text).join('');
/** Any character a terminal would act on rather than show. */
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function logsEnvelope(messages: string[], messageType = 'DATA_MESSAGE') {
	return {
		messageType,
		owner: '123456789012',
		logGroup: '/aws/lambda/checkout',
		logStream: '2024/05/01/[$LATEST]abc',
		subscriptionFilters: ['all'],
		logEvents: messages.map((message, i) => ({
			id: `event-${i}`,
			timestamp: 1_714_560_000_000 + i,
			message,
		})),
	};
}

describe('text', () => {
	test('valid UTF-8 decodes; invalid bytes do not', () => {
		expect(decodeUtf8(bytes('héllo ✓'))).toBe('héllo ✓');
		expect(decodeUtf8(Uint8Array.of(0xff, 0xfe, 0x41))).toBeUndefined();
	});

	test('control characters, DEL, C1 and bidi overrides are escaped', () => {
		const nasty = 'a\u001b[2Jb\u0007c\u007fd\u009be\u202ef\nnext\ttab';
		const escaped = escapeControls(nasty);
		expect(escaped).toBe('a\\x1b[2Jb\\x07c\\x7fd\\x9be\\u202ef\\nnext\\ttab');
		expect(escaped).not.toMatch(TERMINAL_CONTROL);
	});

	test('a zero-width joiner is shown only where it joins two emoji', () => {
		const families = '👩‍👩‍👧 👨🏽‍💻 ❤️‍🔥';
		expect(escapeControls(families)).toBe(families);
		expect(safeLines(families)).toEqual([families]);
		expect(escapeControls('a\u200db 👩\u200d x\u200d👧 \u200d')).toBe(
			'a\\u200db 👩\\u200d x\\u200d👧 \\u200d',
		);
	});

	test('safeLines keeps line breaks, expands tabs, escapes the rest', () => {
		expect(safeLines('one\r\ntwo\tx\u001b')).toEqual(['one', 'two    x\\x1b']);
	});

	test('text with control characters does not look like text', () => {
		expect(looksLikeText('plain\ttext\n')).toBe(true);
		expect(looksLikeText('bin\u0000ary')).toBe(false);
	});
});

describe('JSON', () => {
	const text =
		'{"user":{"id":"u-42","tags":[]},"n":12345678901234567890,"ok":true,"none":null,"list":[1,2]}';

	test('compact: one line, tokens by kind, numbers exactly as sent', () => {
		const [line, ...rest] = layoutJson(text, {pretty: false});
		expect(rest).toEqual([]);
		expect(lineText(line)).toBe(text);
		expect(line.find((token) => token.kind === 'number')?.text).toBe('12345678901234567890');
		expect(line.filter((token) => token.kind === 'key').map((token) => token.text)).toEqual([
			'"user"',
			'"id"',
			'"tags"',
			'"n"',
			'"ok"',
			'"none"',
			'"list"',
		]);
		expect(line.find((token) => token.text === 'true')?.kind).toBe('literal');
		expect(line.find((token) => token.text === '"u-42"')?.kind).toBe('string');
	});

	test('pretty: indented, empty containers kept on one line', () => {
		expect(layoutJson(text, {pretty: true}).map(lineText)).toEqual([
			'{',
			'  "user": {',
			'    "id": "u-42",',
			'    "tags": []',
			'  },',
			'  "n": 12345678901234567890,',
			'  "ok": true,',
			'  "none": null,',
			'  "list": [',
			'    1,',
			'    2',
			'  ]',
			'}',
		]);
	});

	test('strings with escapes and unsafe characters stay intact and safe', () => {
		const tricky = JSON.stringify({'a"b': 'x\\y\u009b\u202e', s: '"quoted"'});
		const line = layoutJson(tricky, {pretty: false})[0];
		expect(lineText(line)).not.toMatch(TERMINAL_CONTROL);
		expect(line[1]).toEqual({kind: 'key', text: '"a\\"b"'});
		expect(parseJson(tricky)).toEqual({value: {'a"b': 'x\\y\u009b\u202e', s: '"quoted"'}});
	});

	test('maxChars stops early with an ellipsis', () => {
		const long = JSON.stringify({items: Array.from({length: 1000}, (_, i) => i)});
		const line = layoutJson(long, {pretty: false, maxChars: 40})[0];
		expect(lineText(line).length).toBeLessThan(60);
		expect(line.at(-1)?.text).toBe('…');
	});
});

describe('hex and base64', () => {
	test('hexdump -C layout', () => {
		const data = bytes('{"a":1}\n\u0000binary data here');
		const lines = hexDump(data, 16);
		expect(lines[0]).toBe(
			'00000000  7b 22 61 22 3a 31 7d 0a  00 62 69 6e 61 72 79 20  |{"a":1}..binary |',
		);
		expect(lines[1]).toBe(
			'00000010  64 61 74 61 20 68 65 72  65                       |data here|',
		);
		expect(hexDump(data, 16, 1, 1)).toEqual([lines[1]]);
		expect(hexInline(data, 4)).toBe('7b 22 61 22 …');
	});

	test('bytes per line follow the width', () => {
		expect(hexLineWidth(16)).toBeLessThanOrEqual(78);
		expect(bytesPerLineFor(80)).toBe(16);
		expect(bytesPerLineFor(60)).toBe(8);
		expect(bytesPerLineFor(30)).toBe(4);
	});

	test('base64', () => {
		expect(toBase64(bytes('hello'))).toBe('aGVsbG8=');
		expect(base64Lines(bytes('hello world!'), 8)).toEqual(['aGVsbG8g', 'd29ybGQh']);
	});
});

describe('gzip', () => {
	test('detected and inflated', () => {
		const zipped = gzipSync('hello gzip');
		expect(isGzip(zipped)).toBe(true);
		expect(isGzip(bytes('hello'))).toBe(false);
		expect(new TextDecoder().decode(gunzip(zipped))).toBe('hello gzip');
	});

	test('a gzip bomb is refused past the limit', () => {
		const bomb = gzipSync(Buffer.alloc(1024 * 1024));
		expect(() => gunzip(bomb, 1024)).toThrow();
	});
});

describe('protobuf', () => {
	test('varints, length-delimited fields, skipping', () => {
		const message = Uint8Array.from([
			...varintField(1, 300),
			...lengthField(2, 'hi'),
			...[0x1d, 1, 2, 3, 4], // field 3, fixed32
			...varintField(4, 2 ** 40),
		]);
		const reader = new ProtoReader(message);
		expect(reader.tag()).toEqual({field: 1, wireType: 0});
		expect(reader.varint()).toBe(300);
		expect(reader.tag()).toEqual({field: 2, wireType: 2});
		expect(reader.string()).toBe('hi');
		reader.skip(reader.tag().wireType);
		expect(reader.tag()).toEqual({field: 4, wireType: 0});
		expect(reader.varint()).toBe(2 ** 40);
		expect(reader.done()).toBe(true);
		expect(varint(300)).toEqual([0xac, 0x02]);
	});

	test('truncated input is an error, not a hang', () => {
		const reader = new ProtoReader(Uint8Array.from([0x12, 0x05, 0x61]));
		reader.tag();
		expect(() => reader.bytesField()).toThrow(ProtobufError);
	});
});

describe('KPL aggregated records', () => {
	const aggregate = aggregatedRecord(
		['user-1', 'user-2'],
		['170141183460469231731687303715884105728'],
		[
			{partitionKeyIndex: 0, data: '{"n":1}'},
			{partitionKeyIndex: 1, explicitHashKeyIndex: 0, data: 'plain text', tags: [['env', 'prod']]},
			{partitionKeyIndex: 0, data: gzipSync('{"n":3}')},
		],
	);

	test('de-aggregated into user records with their own keys', () => {
		expect(isKplAggregate(aggregate)).toBe(true);
		const users = deaggregate(aggregate)!;
		expect(users.map((user) => user.partitionKey)).toEqual(['user-1', 'user-2', 'user-1']);
		expect(users[1].explicitHashKey).toBe('170141183460469231731687303715884105728');
		expect(users[1].tags).toEqual([{key: 'env', value: 'prod'}]);
		expect(new TextDecoder().decode(users[0].data)).toBe('{"n":1}');
	});

	test('a wrong digest means an ordinary record that starts with the magic', () => {
		const tampered = Uint8Array.from(aggregate);
		tampered[tampered.length - 1] ^= 0xff;
		expect(isKplAggregate(tampered)).toBe(false);
		expect(deaggregate(tampered)).toBeUndefined();
		const payloads = decodeRecord(tampered);
		expect(payloads).toHaveLength(1);
		expect(payloads[0].origin.layers).toEqual([]);
		expect(payloads[0].format).toBe('binary');
	});

	test('the pipeline: each user record decoded on (gzip inside KPL too)', () => {
		const payloads = decodeRecord(aggregate);
		expect(payloads.map((payload) => payload.origin.layers)).toEqual([
			['kpl'],
			['kpl'],
			['kpl', 'gzip'],
		]);
		expect(payloads.map((payload) => payload.format)).toEqual(['json', 'text', 'json']);
		expect(payloads.map((payload) => payload.origin.index)).toEqual([0, 1, 2]);
		expect(payloads[2].json?.value).toEqual({n: 3});
	});
});

describe('CloudWatch Logs subscription envelopes', () => {
	test('a gzip DATA_MESSAGE is unpacked into its log events', () => {
		const record = gzipSync(
			JSON.stringify(logsEnvelope(['START RequestId: 1', '{"level":"ERROR","msg":"boom"}', 'END'])),
		);
		const payloads = decodeRecord(record);
		expect(payloads).toHaveLength(3);
		expect(payloads.map((payload) => payload.text)).toEqual([
			'START RequestId: 1',
			'{"level":"ERROR","msg":"boom"}',
			'END',
		]);
		expect(payloads[0].origin.layers).toEqual(['gzip', 'cloudwatch-logs']);
		expect(payloads[1].origin.logEvent).toMatchObject({
			id: 'event-1',
			logGroup: '/aws/lambda/checkout',
			logStream: '2024/05/01/[$LATEST]abc',
			owner: '123456789012',
		});
		expect(payloads[1].format).toBe('json');
		expect(payloads[0].format).toBe('text');
	});

	test('a CONTROL_MESSAGE stays one payload, noted', () => {
		const payloads = decodeRecord(gzipSync(JSON.stringify(logsEnvelope([], 'CONTROL_MESSAGE'))));
		expect(payloads).toHaveLength(1);
		expect(payloads[0].origin.note).toBe('CONTROL_MESSAGE');
	});

	test('other JSON is not an envelope', () => {
		expect(logsEnvelopeOf({messageType: 'DATA_MESSAGE'})).toBeUndefined();
		expect(logsEnvelopeOf({logEvents: []})).toBeUndefined();
	});

	test('corrupt gzip is shown as it is, with the error', () => {
		const corrupt = Uint8Array.from([
			...gzipSync('hello world').subarray(0, 12),
			1,
			2,
			3,
			4,
			5,
			6,
			7,
			8,
		]);
		const [payload] = decodeRecord(corrupt);
		expect(payload.origin.error).toMatch(/^gzip:/);
		expect(payload.bytes).toBe(corrupt);
	});
});

describe('presentation', () => {
	const json = new Payload(bytes('{"user":{"id":"u-42"}}'));
	const text = new Payload(bytes('hello\u001b[31m world'));
	const binary = new Payload(Uint8Array.of(0, 1, 2, 0xff, 0xfe));

	test('auto picks JSON, text or hex; forced JSON falls back to text', () => {
		expect(
			['auto', 'json', 'text', 'hex', 'base64'].map((mode) =>
				representationOf(json, mode as never),
			),
		).toEqual(['json', 'json', 'text', 'hex', 'base64']);
		expect(representationOf(text, 'auto')).toBe('text');
		expect(representationOf(binary, 'auto')).toBe('hex');
		expect(representationOf(text, 'json')).toBe('text');
		expect(representationOf(new Payload(bytes('42')), 'json')).toBe('json');
	});

	test('d cycles through every mode and back', () => {
		let mode = DECODE_MODES[0];
		const seen = [mode];
		for (let i = 0; i < DECODE_MODES.length; i++) seen.push((mode = nextDecodeMode(mode)));
		expect(seen).toEqual(['auto', 'json', 'text', 'hex', 'base64', 'auto']);
	});

	test('previews are one safe line', () => {
		expect(lineText(previewLine(json, 'auto'))).toBe('{"user":{"id":"u-42"}}');
		expect(lineText(previewLine(text, 'auto'))).toBe('hello\\x1b[31m world');
		expect(lineText(previewLine(binary, 'auto'))).toBe('00 01 02 ff fe');
		expect(lineText(previewLine(json, 'base64'))).toBe(toBase64(json.bytes));
		for (const mode of DECODE_MODES) {
			expect(lineText(previewLine(binary, mode))).not.toMatch(TERMINAL_CONTROL);
		}
	});

	test('a preview fits its column: cut with … where needed, colours kept', () => {
		const line = previewLine(json, 'auto');
		expect(fitLine(line, 40)).toBe(line);
		expect(fitLine(line, 22)).toBe(line);
		const cut = fitLine(line, 10);
		expect(lineText(cut)).toBe('{"user":{…');
		expect(lineText(cut)).toHaveLength(10);
		expect(cut.slice(0, -1).map((segment) => segment.kind)).toEqual(
			line.slice(0, cut.length - 1).map((segment) => segment.kind),
		);
		expect(lineText(fitLine(line, 1))).toBe('…');
	});

	test('full payloads: pretty JSON, wrapped text, hex only as far as asked', () => {
		const pretty = payloadLines(json, 'auto', {pretty: true, width: 80});
		expect(pretty.lines(0, pretty.count).map(lineText)).toEqual([
			'{',
			'  "user": {',
			'    "id": "u-42"',
			'  }',
			'}',
		]);
		const compact = payloadLines(json, 'json', {pretty: false, width: 10});
		expect(compact.lines(0, compact.count).map(lineText)).toEqual([
			'{"user":{"',
			'id":"u-42"',
			'}}',
		]);
		const big = new Payload(new Uint8Array(1024 * 1024));
		const hex = payloadLines(big, 'hex', {pretty: true, width: 80});
		expect(hex.count).toBe(65_536);
		expect(hex.lines(65_535, 65_536)[0][0].text).toMatch(/^000ffff0 {2}00/);
	});

	describe('wide text: measured in columns, cut between characters', () => {
		const family = '👩‍👩‍👧';
		const japanese = new Payload(bytes('{"ユーザー":"山田太郎","msg":"こんにちは👩‍👩‍👧"}'));
		const emoji = new Payload(bytes(`${family.repeat(30)}e\u0301${'日本語'.repeat(30)}`));
		/** Every character of the rendering is one of the payload's: none was cut in half. */
		const whole = (rendered: string, of: string) => {
			const graphemes = (text: string) =>
				[...new Intl.Segmenter().segment(text)].map(({segment}) => segment);
			const kept = new Set(graphemes(of));
			for (const grapheme of graphemes(rendered)) {
				if (grapheme !== '…') expect(kept).toContain(grapheme);
			}
		};

		test('a preview cut to its column takes no more columns than that', () => {
			for (const payload of [japanese, emoji]) {
				for (const width of [1, 2, 7, 10, 11, 40, 79]) {
					const shown = lineText(fitLine(previewLine(payload, 'auto', width + 8), width));
					expect(stringWidth(shown)).toBeLessThanOrEqual(width);
					expect(stringWidth(shown)).toBeGreaterThanOrEqual(
						Math.min(width - 2, stringWidth(payload.text!)),
					);
					whole(shown, payload.text!);
				}
			}

			expect(lineText(fitLine(previewLine(japanese, 'auto'), 12))).toBe('{"ユーザー"…');
		});

		test('full payloads wrap by columns, every character kept whole and in order', () => {
			for (const payload of [japanese, emoji]) {
				for (const width of [8, 9, 33, 80]) {
					const source = payloadLines(payload, 'text', {pretty: true, width});
					const lines = source.lines(0, source.count).map(lineText);
					expect(lines.join('')).toBe(payload.text);
					for (const line of lines) {
						expect(stringWidth(line)).toBeLessThanOrEqual(width);
						whole(line, payload.text!);
					}
				}
			}

			const compact = payloadLines(japanese, 'json', {pretty: false, width: 10});
			expect(compact.lines(0, compact.count).map(lineText)).toEqual([
				'{"ユーザー',
				'":"山田太',
				'郎","msg":',
				'"こんにち',
				'は👩‍👩‍👧"}',
			]);
		});
	});
});
