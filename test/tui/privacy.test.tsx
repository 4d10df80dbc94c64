/** @jsxRuntime automatic */
/** @jsxImportSource react */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {key, rules, scrubProject} from '../scrub/helpers.js';
import {openApp} from './helpers/app.js';
import {keys, press, type, waitForFrame, waitForText} from './helpers/ink.js';

process.env.MONARCH_CONNECT_TIMEOUT_MS = '2000';
process.env.MONARCH_SCRUB_KEY = key.MONARCH_SCRUB_KEY;

/** The scrub rules without accounts.phone, accounts.address.street and the products collection: 5 paths and a collection not classified. */
function incompleteRules() {
	const {phone, 'address.street': street, ...accounts} = rules.accounts;
	const {products, ...rest} = rules;
	return {...rest, accounts};
}

type App = Awaited<ReturnType<typeof openApp>>;

/** Selects production on the Environments panel (the rows are development, production, scratch). */
async function selectProduction(app: App) {
	await waitForText(app.lastFrame, /› development .* up/);
	await press(app, keys.down);
	return waitForText(app.lastFrame, /› production /);
}

async function scrubOf(project: {dir: string}): Promise<Record<string, unknown>> {
	return (JSON.parse(await readFile(path.join(project.dir, 'monarch.json'), 'utf8')) as {scrub: Record<string, unknown>}).scrub;
}

test.serial(
	'the Environments panel counts the classified and unclassified paths of a personal-data environment; P lists each path with its classification and suggestion',
	async t => {
		const {project} = await scrubProject(t, {scrub: incompleteRules()});
		const app = await openApp(t, project);
		let frame = await selectProduction(app);
		frame = await waitForText(app.lastFrame, /privacy: 14 paths classified, 5 not, 1 collection not classified · P to review/);
		t.regex(frame, /P privacy/, 'the footer names the key');
		// development holds no personal data: no privacy line, and P says why.
		await press(app, keys.up);
		frame = await waitForText(app.lastFrame, /› development /);
		t.notRegex(frame, /privacy:/);
		await press(app, 'P');
		await waitForText(app.lastFrame, 'development is not marked "personalData": true in monarch.json');
		await press(app, keys.down);
		await waitForText(app.lastFrame, /› production /);

		await press(app, 'P');
		frame = await waitForText(app.lastFrame, /Privacy of production[\s\S]*14 paths classified, 5 not/);
		t.regex(frame, /\$ monarch scrub_suggest production/);
		t.regex(frame, /accounts 300 documents sampled, classified by field/);
		t.regex(frame, /PATH +TYPES +PRES CURRENT +SUGGESTION/);
		t.regex(frame, / {2}phone +string +100% unclassified +fake\.phone/);
		t.regex(frame, / {2}email +string +100% fake\.email +fake\.email/);
		t.regex(frame, /w write {2}a audit/);
		// Scrolled down: the collection nothing classifies, and the suggestion for the whole of it.
		frame = await scrollUntil(app, / {2}title +string +100% unclassified +keep/);
		t.regex(frame, /products 1 document sampled, not classified\n {2}suggested: "keep" for the whole collection/);
		t.regex(frame, /nothing personal in the name/);
		await press(app, 'q');
		frame = await waitForText(app.lastFrame, /› production [\s\S]*privacy: 14 paths/);
		t.notRegex(frame, /Privacy of production/);
	},
);

/** Presses j until the frame matches (a line at a time, waiting for each to show). */
async function scrollUntil(app: App, pattern: RegExp): Promise<string> {
	for (let line = 0; line < 80; line++) {
		const frame = app.lastFrame() ?? '';
		if (pattern.test(frame)) return frame;
		const position = /(\d+)-\d+\/\d+ ↓\/j/.exec(frame)?.[1];
		await press(app, 'j');
		await waitForFrame(
			app.lastFrame,
			next => /(\d+)-\d+\/\d+ ↓\/j/.exec(next)?.[1] !== position || pattern.test(next),
			'the view to scroll',
		);
	}

	throw new Error(`never showed ${String(pattern)}:\n${app.lastFrame() ?? ''}`);
}

test.serial('w in the privacy view shows what scrub_suggest --write adds, asks, writes monarch.json, and the counts update', async t => {
	const {project} = await scrubProject(t, {scrub: incompleteRules()});
	const app = await openApp(t, project);
	await selectProduction(app);
	await waitForText(app.lastFrame, /privacy: 14 paths classified, 5 not/);
	await press(app, 'P');
	await waitForText(app.lastFrame, /Privacy of production[\s\S]*14 paths classified, 5 not/);

	// Declined: nothing written.
	await press(app, 'w');
	let frame = await waitForText(app.lastFrame, /Add 3 entries to monarch\.json's scrub\?/);
	t.regex(frame, /! accounts: phone → fake\.phone, address\.street → fake\.street/);
	t.regex(frame, /! products: "keep" \(the whole collection\)/);
	await press(app, 'n');
	frame = await waitForText(app.lastFrame, /Not confirmed: scrub_suggest production --write; nothing written to monarch\.json/);
	t.regex(frame, /\$ monarch scrub_suggest production --write/);
	t.deepEqual(await scrubOf(project), incompleteRules());
	await press(app, keys.escape);
	await waitForText(app.lastFrame, /Privacy of production[\s\S]*14 paths classified, 5 not/);

	await press(app, 'w');
	await waitForText(app.lastFrame, /Add 3 entries to monarch\.json's scrub\?/);
	await press(app, 'y');
	frame = await waitForText(app.lastFrame, /Added 3 entries to monarch\.json \(accounts: 2, products: "keep"\): review the diff/);
	t.regex(frame, /\$ monarch scrub_suggest production --write/);
	const scrub = await scrubOf(project);
	t.like(scrub, {accounts: {...incompleteRules().accounts, phone: 'fake.phone', 'address.street': 'fake.street'}, products: 'keep'});
	t.deepEqual(
		Object.keys(scrub.accounts as object).slice(0, -2),
		Object.keys(incompleteRules().accounts),
		"the user's entries first, in their order",
	);

	// monarch.json was read again: the view and the panel count the new entries.
	await press(app, keys.escape);
	frame = await waitForText(app.lastFrame, /Privacy of production[\s\S]*19 paths classified, 0 not/);
	t.regex(frame, / {2}phone +string +100% fake\.phone +fake\.phone/);
	await press(app, keys.escape);
	frame = await waitForText(app.lastFrame, /› production [\s\S]*privacy: 19 paths classified, 0 not\n/);
	t.notRegex(frame, /P to review/);
});

test.serial(
	'after a scrubbed copy the TUI offers the audit and shows 0 leaks; from the privacy view, an audit of a copy made as it is names the leaking paths',
	async t => {
		const {project} = await scrubProject(t);
		const app = await openApp(t, project);
		await waitForText(app.lastFrame, /› development .* up/);
		await press(app, ':');
		await waitForText(app.lastFrame, 'tab complete');
		await type(app, 'copy_db production:development');
		await press(app, keys.enter);
		await waitForText(app.lastFrame, 'scrub it?');
		await press(app, keys.enter);
		await waitForText(app.lastFrame, /replacing[\s│]+its data\?/);
		await press(app, 'y');
		await waitForText(
			app.lastFrame,
			/Audit the copy now\? \(scrub_audit: none of production's personal values may be in[\s│]+development;[\s│]+read-only\)/,
		);
		await press(app, 'y');
		let frame: string;
		frame = await waitForText(app.lastFrame, /Copied production into development; audit: 0 leaks/);
		t.regex(frame, /loaded {6}4 collections, 471 documents/);
		t.regex(frame, /0 leaks: 471 documents of development checked +│\n│ against \d+ personal values of production;/);
		await press(app, keys.escape);
		frame = await waitForText(app.lastFrame, /Copied production into development: 4 collections, 471 documents; audit: 0 leaks/);
		t.regex(frame, /\$ monarch copy_db production:development --scrub --yes && monarch scrub_audit[\s\S]*production:development/);
		await press(app, keys.escape);
		await waitForText(app.lastFrame, 'enter/m migrations');

		// A faithful copy into scratch, audited from production's privacy view.
		await press(app, ':');
		await waitForText(app.lastFrame, 'tab complete');
		await type(app, 'copy_db production:scratch');
		await press(app, keys.enter);
		await waitForText(app.lastFrame, 'scrub it?');
		await press(app, keys.down);
		await waitForText(app.lastFrame, '❯ load it as it is (--no-scrub)');
		await press(app, keys.enter);
		await waitForText(app.lastFrame, /replacing[\s│]+its data\?/);
		await press(app, 'y');
		frame = await waitForText(app.lastFrame, /Copied production into scratch/);
		t.notRegex(frame, /audit/i, 'a copy as it is offers no audit');
		await press(app, keys.escape);
		await waitForText(app.lastFrame, /Copy production done/);
		await press(app, keys.escape);
		await selectProduction(app);
		await press(app, 'P');
		await waitForText(app.lastFrame, /Privacy of production[\s\S]*19 paths classified, 0 not/);
		await press(app, 'a');
		await waitForText(app.lastFrame, "Audit which environment for production's personal values?");
		await press(app, keys.down);
		await waitForText(app.lastFrame, /❯ scratch/);
		await press(app, keys.enter);
		frame = await waitForText(app.lastFrame, /Audit of scratch against production: \d+ leaks \(\d+ paths\)/);
		t.regex(frame, /│ accounts\.email +│\n│ +300 values of the source \(email\) in 300 documents, classified fake\.email/);
		t.regex(frame, /e\.g\. [^\n]*\*/, 'masked examples');
		t.notRegex(frame, /customer\d+@shop\.example/, 'never a value');
		await press(app, keys.escape);
		frame = await waitForText(app.lastFrame, /Audit: \d+ leaks \(\d+ paths\) in scratch/);
		t.regex(frame, /\$ monarch scrub_audit production:scratch/);
		await press(app, keys.escape);
		await waitForText(app.lastFrame, /Privacy of production/);
	},
);

test.serial(
	'with scrub.audit: true the copy is audited without asking, and the message shows the result; :scrub_audit runs the audit job',
	async t => {
		const {project} = await scrubProject(t, {scrub: {...rules, audit: true}});
		const app = await openApp(t, project);
		await waitForText(app.lastFrame, /› development .* up/);
		await press(app, ':');
		await waitForText(app.lastFrame, 'tab complete');
		await type(app, 'copy_db production:development');
		await press(app, keys.enter);
		await waitForText(app.lastFrame, 'scrub it?');
		await press(app, keys.enter);
		await waitForText(app.lastFrame, /replacing[\s│]+its data\?/);
		await press(app, 'y');
		const frame = await waitForText(app.lastFrame, /Copied production into development; audit: 0 leaks/);
		t.regex(frame, /0 leaks: 471 documents of development checked/);
		await press(app, keys.escape);
		t.regex(await waitForText(app.lastFrame, /documents; audit: 0 leaks/), /\$ monarch copy_db production:development --scrub --yes\n/);
		await press(app, keys.escape);
		await waitForText(app.lastFrame, 'enter/m migrations');

		// The palette's scrub_audit is the privacy view's audit job.
		await press(app, ':');
		await waitForText(app.lastFrame, 'tab complete');
		await type(app, 'scrub_audit production:development');
		await press(app, keys.enter);
		const audited = await waitForText(app.lastFrame, /Audit of development against production: 0 leaks/);
		t.regex(audited, /0 leaks: 471 documents of development checked/);
		await press(app, keys.escape);
		t.regex(await waitForText(app.lastFrame, /Audit: 0 leaks in development/), /\$ monarch scrub_audit production:development\n/);
	},
);
