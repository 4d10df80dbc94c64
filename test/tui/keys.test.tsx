/** @jsxRuntime automatic */
/** @jsxImportSource react */
import {setImmediate as nextMacrotask} from 'node:timers/promises';
import test from 'ava';
import {Box, Text} from 'ink';
import {render} from 'ink-testing-library';
import {useState} from 'react';
import {SelectInput} from '../../source/tui/components/select-input.js';
import {TextInput} from '../../source/tui/components/text-input.js';
import {KeysProvider, useKeys} from '../../source/tui/hooks/use-keys.js';
import {keys, press, waitForText} from './helpers/ink.js';

/**
 * Sends the next key the moment the frame shows `text`: the frame is checked
 * after every macrotask, so the key comes before any passive effect of the
 * render that drew it could run (Ink's own useInput would still hold the
 * previous frame's handler then).
 */
async function pressOnceShown(app: ReturnType<typeof render>, text: string, key: string): Promise<void> {
	const deadline = Date.now() + 60_000;
	while (!(app.lastFrame() ?? '').includes(text)) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${text}. Last frame:\n${app.lastFrame() ?? ''}`);
		await nextMacrotask();
	}

	await press(app, key);
}

/** Counts with a handler that reads its render's state (no functional update), and opens a child that has keys of its own. */
function Counter() {
	const [count, setCount] = useState(0);
	const [open, setOpen] = useState(false);
	useKeys(input => {
		if (input === 'j') setCount(count + 1);
		if (input === 'o') setOpen(true);
	});
	return (
		<Box flexDirection="column">
			<Text>count {count}</Text>
			{open ? <Child /> : null}
		</Box>
	);
}

function Child() {
	const [pressed, setPressed] = useState('');
	useKeys((_input, key) => {
		if (key.return) setPressed('enter');
	});
	return <Text>child {pressed || 'open'}</Text>;
}

test('a key reaches the handler of the frame on screen, with or without KeysProvider', async t => {
	for (const app of [
		render(
			<KeysProvider>
				<Counter />
			</KeysProvider>,
		),
		render(<Counter />),
	]) {
		await press(app, 'j');
		for (let count = 1; count < 5; count++) await pressOnceShown(app, `count ${count}`, 'j');
		await pressOnceShown(app, 'count 5', 'o');
		t.regex(await waitForText(app.lastFrame, 'child open'), /count 5\nchild open/);
		app.unmount();
	}
});

test('under KeysProvider a new component takes keys in the commit that draws it', async t => {
	const app = render(
		<KeysProvider>
			<Counter />
		</KeysProvider>,
	);
	await press(app, 'o');
	await pressOnceShown(app, 'child open', keys.enter);
	await pressOnceShown(app, 'child enter', 'j');
	t.is(await waitForText(app.lastFrame, 'count 1'), 'count 1\nchild enter');
	app.unmount();
});

test('isActive switches in the commit that changes it', async t => {
	function Toggle() {
		const [on, setOn] = useState(false);
		const [hits, setHits] = useState(0);
		useKeys(input => {
			if (input === 't') setOn(!on);
		});
		useKeys(() => setHits(value => value + 1), {isActive: on});
		return <Text>{`${on ? 'on' : 'off'} ${hits}`}</Text>;
	}

	const app = render(
		<KeysProvider>
			<Toggle />
		</KeysProvider>,
	);
	await press(app, 'x');
	await pressOnceShown(app, 'off 0', 't');
	await pressOnceShown(app, 'on 0', 't');
	await pressOnceShown(app, 'off 1', 'x');
	await press(app, 't');
	t.is(await waitForText(app.lastFrame, 'on '), 'on 1');
	app.unmount();
});

test('keys that reach the app together (typed ahead, or text then enter in one read) are taken one by one', async t => {
	let submitted = '';
	function Field() {
		const [value, setValue] = useState('ab');
		return (
			<Box>
				<Text>› </Text>
				<TextInput value={value} onChange={setValue} onSubmit={answer => (submitted = answer)} />
			</Box>
		);
	}

	const app = render(
		<KeysProvider>
			<Field />
		</KeysProvider>,
	);
	await press(app, 'c');
	for (const key of ['d', keys.left, keys.left, 'X', keys.backspace, 'Y', keys.right, keys.right]) await press(app, key);
	t.is(submitted, '');
	await press(app, 'ef\r');
	t.is(submitted, 'abYcdef');
	app.unmount();

	let picked = '';
	const items = ['one', 'two', 'three', 'four'].map(value => ({label: value, value}));
	const list = render(
		<KeysProvider>
			<SelectInput items={items} limit={3} onSelect={item => (picked = item.value)} />
		</KeysProvider>,
	);
	for (const key of [keys.down, 'j', 'j', keys.enter]) await press(list, key);
	t.is(picked, 'four');
	for (const key of ['k', 'k', 'k', 'k', 'k', keys.enter]) await press(list, key);
	t.is(picked, 'three');
	await press(list, '2');
	t.is(picked, 'two');
	list.unmount();
});
