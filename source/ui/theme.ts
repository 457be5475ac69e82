/**
 * Colours by role, in one place. Ink draws through chalk, and chalk 5 honours FORCE_COLOR and
 * `--no-color` but not NO_COLOR (https://no-color.org), so the console applies NO_COLOR itself: with it
 * set every colour here is undefined. Bold, dim and inverse are not colours and stay, which keeps the
 * selection and the badges readable; every state is also spelled out in text, never shown by colour alone.
 */
import {createContext, useContext} from 'react';

export type Theme = {
	noColor: boolean;
	accent?: string;
	ok?: string;
	warning?: string;
	danger?: string;
	muted?: string;
};

/** NO_COLOR counts when present and not empty, as no-color.org specifies. */
export function noColorRequested(env: NodeJS.ProcessEnv = process.env) {
	return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}

export function createTheme(noColor = noColorRequested()): Theme {
	if (noColor) return {noColor};
	return {noColor, accent: 'cyan', ok: 'green', warning: 'yellow', danger: 'red', muted: 'gray'};
}

export const ThemeContext = createContext<Theme>(createTheme(false));

export function useTheme() {
	return useContext(ThemeContext);
}
