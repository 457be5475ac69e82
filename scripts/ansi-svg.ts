/**
 * A terminal screen (text with SGR colour escapes, as `tmux capture-pane -e` gives it) drawn as an SVG:
 * one monospace cell per character, background runs as rectangles, foreground runs as text spans. Only
 * what capture-pane emits is understood — SGR sequences (16, 256 and true colours, bold, dim, italic,
 * underline, inverse); anything else is dropped.
 */

type Style = {
	fg?: string;
	bg?: string;
	bold: boolean;
	dim: boolean;
	italic: boolean;
	underline: boolean;
	inverse: boolean;
};

type Run = {column: number; text: string; style: Style};

/** A dark theme close to common terminal defaults. */
const THEME = {
	background: '#1e1e2e',
	foreground: '#d4d4dc',
	// black, red, green, yellow, blue, magenta, cyan, white, then the bright eight.
	ansi: [
		'#45475a',
		'#f38ba8',
		'#a6e3a1',
		'#f9e2af',
		'#89b4fa',
		'#f5c2e7',
		'#94e2d5',
		'#bac2de',
		'#585b70',
		'#f37799',
		'#89d88b',
		'#ebd391',
		'#74a8fc',
		'#f2aede',
		'#6bd7ca',
		'#ffffff',
	],
};

const CELL_WIDTH = 8.4;
const LINE_HEIGHT = 18;
const FONT_SIZE = 14;
const PADDING = 12;

const plain = (): Style => ({
	bold: false,
	dim: false,
	italic: false,
	underline: false,
	inverse: false,
});

const hex = (value: number) => value.toString(16).padStart(2, '0');

/** xterm's 256-colour palette: the 16 theme colours, a 6×6×6 cube, then 24 greys. */
export function colour256(index: number): string {
	if (index < 16) return THEME.ansi[index];
	if (index < 232) {
		const cube = index - 16;
		const level = (value: number) => (value === 0 ? 0 : 55 + value * 40);
		return `#${hex(level(Math.floor(cube / 36)))}${hex(level(Math.floor(cube / 6) % 6))}${hex(level(cube % 6))}`;
	}

	const grey = 8 + (index - 232) * 10;
	return `#${hex(grey)}${hex(grey)}${hex(grey)}`;
}

/** Applies one SGR parameter list to `style`; returns the new style. */
function applySgr(style: Style, parameters: number[]): Style {
	const next = {...style};
	for (let i = 0; i < parameters.length; i++) {
		const code = parameters[i];
		if (code === 0) Object.assign(next, plain(), {fg: undefined, bg: undefined});
		else if (code === 1) next.bold = true;
		else if (code === 2) next.dim = true;
		else if (code === 3) next.italic = true;
		else if (code === 4) next.underline = true;
		else if (code === 7) next.inverse = true;
		else if (code === 22) next.bold = next.dim = false;
		else if (code === 23) next.italic = false;
		else if (code === 24) next.underline = false;
		else if (code === 27) next.inverse = false;
		else if (code >= 30 && code <= 37) next.fg = THEME.ansi[code - 30];
		else if (code >= 90 && code <= 97) next.fg = THEME.ansi[code - 90 + 8];
		else if (code >= 40 && code <= 47) next.bg = THEME.ansi[code - 40];
		else if (code >= 100 && code <= 107) next.bg = THEME.ansi[code - 100 + 8];
		else if (code === 39) next.fg = undefined;
		else if (code === 49) next.bg = undefined;
		else if (code === 38 || code === 48) {
			const target = code === 38 ? 'fg' : 'bg';
			if (parameters[i + 1] === 5) {
				next[target] = colour256(parameters[i + 2] ?? 0);
				i += 2;
			} else if (parameters[i + 1] === 2) {
				const [r, g, b] = parameters.slice(i + 2, i + 5).map((value) => value ?? 0);
				next[target] = `#${hex(r)}${hex(g)}${hex(b)}`;
				i += 4;
			}
		}
	}

	return next;
}

const sameStyle = (a: Style, b: Style) =>
	a.fg === b.fg &&
	a.bg === b.bg &&
	a.bold === b.bold &&
	a.dim === b.dim &&
	a.italic === b.italic &&
	a.underline === b.underline &&
	a.inverse === b.inverse;

/** One screen line into runs of equally styled text, by column. The style carries over lines. */
export function parseLine(line: string, start: Style = plain()): {runs: Run[]; end: Style} {
	const runs: Run[] = [];
	let style = start;
	let column = 0;
	let current: Run | undefined;
	// eslint-disable-next-line no-control-regex
	const pattern = /\u001B\[([\d;:]*)([A-Za-z])|\u001B[^[]|([^\u001B]+)/g;
	for (const match of line.matchAll(pattern)) {
		if (match[3] !== undefined) {
			for (const character of match[3]) {
				if (!current || !sameStyle(current.style, style)) {
					current = {column, text: '', style};
					runs.push(current);
				}

				current.text += character;
				column++;
			}
		} else if (match[2] === 'm') {
			const parameters = (match[1] || '0').split(/[;:]/).map((part) => Number(part || 0));
			style = applySgr(style, parameters);
		}
	}

	return {runs, end: style};
}

const escapeXml = (text: string) =>
	text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The whole screen as an SVG document, `columns` × `rows` cells in a window frame. */
export function screenToSvg(screen: string, columns: number, rows: number, title: string): string {
	const width = columns * CELL_WIDTH + PADDING * 2;
	const height = rows * LINE_HEIGHT + PADDING * 2;
	const backgrounds: string[] = [];
	const texts: string[] = [];
	let style = plain();
	for (const [row, line] of screen.split('\n').slice(0, rows).entries()) {
		const parsed = parseLine(line, style);
		style = parsed.end;
		const y = PADDING + row * LINE_HEIGHT;
		for (const run of parsed.runs) {
			const fg = (run.style.inverse ? run.style.bg : run.style.fg) ?? THEME.foreground;
			const bg = run.style.inverse ? (run.style.fg ?? THEME.foreground) : run.style.bg;
			const x = PADDING + run.column * CELL_WIDTH;
			const length = [...run.text].length;
			if (bg) {
				backgrounds.push(
					`<rect x="${x.toFixed(1)}" y="${y}" width="${(length * CELL_WIDTH).toFixed(1)}" height="${LINE_HEIGHT}" fill="${bg}"/>`,
				);
			}

			if (run.text.trim() === '') continue;
			const attributes = [
				`x="${x.toFixed(1)}"`,
				`y="${y + LINE_HEIGHT - 5}"`,
				`fill="${fg}"`,
				// Every character exactly one cell wide, whatever the viewer's font.
				`textLength="${(length * CELL_WIDTH).toFixed(1)}"`,
				run.style.bold ? 'font-weight="bold"' : '',
				run.style.dim ? 'opacity="0.6"' : '',
				run.style.italic ? 'font-style="italic"' : '',
				run.style.underline ? 'text-decoration="underline"' : '',
			].filter(Boolean);
			texts.push(`<text ${attributes.join(' ')}>${escapeXml(run.text)}</text>`);
		}
	}

	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height}" viewBox="0 0 ${width.toFixed(1)} ${height}" role="img" aria-label="${escapeXml(title)}">`,
		`<title>${escapeXml(title)}</title>`,
		`<rect width="100%" height="100%" rx="6" fill="${THEME.background}"/>`,
		...backgrounds,
		`<g font-family="'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace" font-size="${FONT_SIZE}" xml:space="preserve">`,
		...texts,
		'</g>',
		'</svg>',
		'',
	].join('\n');
}
