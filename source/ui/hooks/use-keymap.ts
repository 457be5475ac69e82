/**
 * Keys to commands, through the keymap, with one owner of the keyboard: the app reads every key (with
 * Ink's useInput), looks it up in the top screen's scope and then the global one, handles the global
 * commands itself and hands the rest to the screen on top, which registered its handler with
 * {@link useScreenCommands}.
 *
 * While a prompt is open it captures every key ({@link useKeyCapture}) instead.
 *
 * Routing never waits for React's passive effects: Ink draws a frame at commit, and a key typed right
 * after (a test, a paste, a fast typist) must already reach what is on that frame. So the handler is
 * attached once and reads the current scopes, screen and prompt from refs that layout effects keep up
 * to date; the app switches routing off at once (`enabled`) when it opens a prompt, until the prompt
 * is there to capture. A key that opens a prompt also ends the burst it came in: the keys typed after
 * `:` or `/` in the same chunk are not taken as commands.
 */
import {useInput, type Key} from 'ink';
import {createContext, useCallback, useContext, useLayoutEffect, useMemo, useRef} from 'react';
import {keyPresses} from '../key-presses.js';
import {
	bindingFor,
	KEYMAP,
	OPENS_PROMPT,
	type Binding,
	type Command,
	type Scope,
} from '../keymap.js';

export type CommandHandler = (command: Command) => void;
export type KeyHandler = (input: string, key: Key) => void;

export type CommandRouter = {
	/** The top screen's command handler. */
	register(handler: CommandHandler): () => void;
	/** Takes every key, raw, while registered (the prompt). */
	capture(handler: KeyHandler): () => void;
};

export const CommandRouterContext = createContext<CommandRouter>({
	register: () => () => undefined,
	capture: () => () => undefined,
});

/** The screen side: `onCommand` receives the commands of the screen's scope while `active`. */
export function useScreenCommands(onCommand: CommandHandler, active: boolean) {
	const router = useContext(CommandRouterContext);
	useLayoutEffect(() => {
		if (!active) return;
		return router.register(onCommand);
	}, [router, onCommand, active]);
}

/** The prompt side: `handler` gets every key, raw, while `active`. */
export function useKeyCapture(handler: KeyHandler, active: boolean) {
	const router = useContext(CommandRouterContext);
	useLayoutEffect(() => {
		if (!active) return;
		return router.capture(handler);
	}, [router, handler, active]);
}

export type KeymapOptions = {
	keymap?: readonly Binding[];
	/** Read at every key: false while something else (a prompt) has the keyboard. */
	enabled?: () => boolean;
	/** Called for every key routed (before its command), e.g. to dismiss a notice. */
	onKey?: () => void;
};

/**
 * The app side: routes keys for `scopes` (the top screen's, then `global`); the global commands go to
 * `onGlobal`, the others to the registered screen. Returns the router for CommandRouterContext.
 */
export function useKeymap(
	scopes: readonly Scope[],
	onGlobal: CommandHandler,
	options: KeymapOptions = {},
): CommandRouter {
	const screen = useRef<CommandHandler | undefined>(undefined);
	const captor = useRef<KeyHandler | undefined>(undefined);
	const current = useRef({scopes, onGlobal, options});
	useLayoutEffect(() => {
		current.current = {scopes, onGlobal, options};
	});
	const router = useMemo<CommandRouter>(
		() => ({
			register(handler) {
				screen.current = handler;
				return () => {
					if (screen.current === handler) screen.current = undefined;
				};
			},
			capture(handler) {
				captor.current = handler;
				return () => {
					if (captor.current === handler) captor.current = undefined;
				};
			},
		}),
		[],
	);
	const handler = useCallback((input: string, key: Key) => {
		if (captor.current) {
			captor.current(input, key);
			return;
		}

		for (const [press, pressKey] of keyPresses(input, key)) {
			const {scopes, onGlobal, options} = current.current;
			if (options.enabled && !options.enabled()) return;
			options.onKey?.();
			const binding = bindingFor(press, pressKey, scopes, options.keymap ?? KEYMAP);
			if (!binding) continue;
			if (binding.scope === 'global') onGlobal(binding.command);
			else screen.current?.(binding.command);
			if (OPENS_PROMPT.has(binding.command)) return;
		}
	}, []);
	useInput(handler);
	return router;
}
