import {readFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {type Loose, snapshot} from '../helpers/backup-data.js';
import {allStrings, key, scrubProject} from './helpers.js';

test('backup --scrub writes a scrubbed archive whose manifest names the rules and fields, never the key; it restores anywhere without a choice', async t => {
	const {project, originals} = await scrubProject(t);
	const backedUp = await project.monarch(['backup', 'production', '--scrub'], {env: key});
	t.is(backedUp.code, 0, backedUp.stderr);
	t.regex(
		backedUp.stdout,
		/Scrubbed with rules [0-9a-f]{16}: accounts \(email, name, phone, address\.street, tax_id\), campaigns \(owner_email, notes\), users \(logins\[\]\.ip, card\.last4\)/,
	);
	const archive = /to backups\/(\S+\.archive\.gz)/.exec(backedUp.stdout)?.[1] ?? '';
	t.is(archive, `${project.databases.production}__2026_03_01.archive.gz`);
	const manifestText = await readFile(path.join(project.dir, 'backups', `${archive}.manifest.json`), 'utf8');
	const manifest = JSON.parse(manifestText) as {
		scrub?: {fingerprint: string; collections: Array<{name: string; fields: string[]}>};
		personalData?: boolean;
	};
	t.deepEqual(
		manifest.scrub?.collections.map(entry => entry.name),
		['accounts', 'campaigns', 'users'],
	);
	t.is(manifest.personalData, undefined);
	t.false(manifestText.includes(key.MONARCH_SCRUB_KEY));

	const listed = await project.monarch(['list_backups']);
	t.regex(listed.stdout, /complete, scrubbed/);

	const restored = await project.monarch(['restore', `${archive}:development`, '--yes']);
	t.is(restored.code, 0, restored.stderr);
	const strings = await allStrings(project, 'development');
	for (const original of [...originals.emails, ...originals.names, ...originals.streets]) t.false(strings.has(original), original);
	t.is(await project.db('development').collection('accounts').countDocuments(), 300);
});

test('a faithful backup of personal data says so, and restoring it into an unprotected environment needs --scrub or --no-scrub', async t => {
	const {project, originals} = await scrubProject(t);
	const backedUp = await project.monarch(['backup', 'production']);
	t.is(backedUp.code, 0, backedUp.stderr);
	const archive = `${project.databases.production}__2026_03_01.archive.gz`;
	const manifest = JSON.parse(await readFile(path.join(project.dir, 'backups', `${archive}.manifest.json`), 'utf8')) as {
		personalData?: boolean;
		scrub?: unknown;
	};
	t.is(manifest.personalData, true);
	t.is(manifest.scrub, undefined);
	t.regex((await project.monarch(['list_backups'])).stdout, /complete, personal data/);

	await project.db('development').collection<Loose>('mine').insertOne({_id: 1});
	const before = await snapshot(project.db('development'));
	const refused = await project.monarch(['restore', `${archive}:development`, '--yes'], {env: key});
	t.is(refused.code, 2);
	t.regex(
		refused.stderr,
		/restore \S+:development: backup of production holds personal data \(personalData: true\) and development is not protected; say --scrub or --no-scrub/,
	);
	t.deepEqual(await snapshot(project.db('development')), before);

	const scrubbed = await project.monarch(['restore', `${archive}:development`, '--yes', '--scrub'], {env: key});
	t.is(scrubbed.code, 0, scrubbed.stderr);
	t.regex(scrubbed.stdout, /Scrubbed with rules [0-9a-f]{16}: accounts \(1500 values in 300 documents\)/);
	const strings = await allStrings(project, 'development');
	for (const original of originals.emails) t.false(strings.has(original), original);

	const faithful = await project.monarch(['restore', `${archive}:scratch`, '--yes', '--no-scrub']);
	t.is(faithful.code, 0, faithful.stderr);
	t.regex(faithful.stdout, /Not scrubbed \(--no-scrub\): personal data of the backup of production was loaded as it is\./);
	t.is(
		(
			await project
				.db('scratch')
				.collection<Loose>('accounts')
				.findOne({_id: 0} as Record<string, unknown>)
		)?.email,
		'customer0@shop.example',
	);
});
