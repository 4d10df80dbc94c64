import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Readable} from 'node:stream';
import test, {type ExecutionContext} from 'ava';
import {backupBaseName, nextBackupName, parseBackupRef} from '../source/core/backups/naming.js';
import {MonarchError} from '../source/core/errors.js';
import type {BackupStore} from '../source/core/storage/contract.js';
import {createLocalStore} from '../source/core/storage/local.js';
import {createS3Store} from '../source/core/storage/s3.js';
import {s3Config, withBucketPrefix} from './helpers/servers.js';

const put = async (store: BackupStore, name: string) => store.write(name, Readable.from([Buffer.from(name)]));

async function localStore(t: ExecutionContext): Promise<BackupStore> {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-naming-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	return createLocalStore(dir);
}

async function s3Store(t: ExecutionContext): Promise<BackupStore> {
	const {prefix} = await withBucketPrefix(t);
	const server = s3Config();
	return createS3Store({...server, prefix});
}

for (const [kind, open] of [
	['local', localStore],
	['S3', s3Store],
] as const) {
	test(`naming (${kind}): <base>__<UTC date>.archive.gz, then _2 and _3 when the archive or its manifest is taken`, async t => {
		const store = await open(t);
		// 23:30 on the 23rd in New York is the 24th in UTC.
		const date = new Date('2026-11-23T23:30:00-05:00');
		t.is(await nextBackupName(store, 'shop', date), 'shop__2026_11_24.archive.gz');

		await put(store, 'shop__2026_11_24.archive.gz');
		t.is(await nextBackupName(store, 'shop', date), 'shop__2026_11_24_2.archive.gz');

		// A manifest alone (its archive deleted) still takes the name.
		await put(store, 'shop__2026_11_24_2.archive.gz.manifest.json');
		t.is(await nextBackupName(store, 'shop', date), 'shop__2026_11_24_3.archive.gz');

		await put(store, 'shop__2026_11_24_3.archive.gz');
		t.is(await nextBackupName(store, 'shop', date), 'shop__2026_11_24_4.archive.gz');

		// Other bases and other days do not count.
		t.is(await nextBackupName(store, 'shop_staging', date), 'shop_staging__2026_11_24.archive.gz');
		t.is(await nextBackupName(store, 'shop', new Date('2026-11-25T08:00:00Z')), 'shop__2026_11_25.archive.gz');

		// Names a store refused to this backup count as taken, listed or not.
		t.is(await nextBackupName(store, 'shop', date, undefined, ['shop__2026_11_24_4.archive.gz']), 'shop__2026_11_24_5.archive.gz');
	});
}

test('backup names: the database by default, or a checked --name', t => {
	t.is(backupBaseName('shop'), 'shop');
	t.is(backupBaseName('shop', 'before_launch'), 'before_launch');
	t.is(backupBaseName('shop', 'before-launch.v2'), 'before-launch.v2');
	t.is(backupBaseName('shop', 'before_launch.archive.gz'), 'before_launch');
});

test('backup names: --name with /, \\, .., a leading dot, control characters or nothing is refused naming --name', t => {
	const refused = [
		'../../etc/passwd',
		'a/b',
		'a\\b',
		'x..y',
		'..',
		'.hidden',
		'',
		'   ',
		'tab\there',
		'new\nline',
		'nul\u0000',
		'x'.repeat(201),
	];
	for (const name of refused) {
		const error = t.throws(() => backupBaseName('shop', name), {instanceOf: MonarchError}, JSON.stringify(name));
		t.is(error?.code, 'usage');
		t.true(error!.message.startsWith('--name '), error!.message);
		t.false(error!.message.includes('\n'));
	}
});

test('backup refs: <backup>:<env> splits on the last colon, with or without .archive.gz', t => {
	t.deepEqual(parseBackupRef('shop__2026_11_23.archive.gz:development'), {
		backup: 'shop__2026_11_23.archive.gz',
		environment: 'development',
	});
	t.deepEqual(parseBackupRef('shop__2026_11_23:development'), {backup: 'shop__2026_11_23.archive.gz', environment: 'development'});
	t.deepEqual(parseBackupRef('odd:name__2026_11_23_2:staging'), {backup: 'odd:name__2026_11_23_2.archive.gz', environment: 'staging'});
	for (const ref of ['shop__2026_11_23', ':development', 'shop__2026_11_23:', '../x:development', 'a/b:development']) {
		const error = t.throws(() => parseBackupRef(ref), {instanceOf: MonarchError}, ref);
		t.is(error?.code, 'usage');
	}
});
