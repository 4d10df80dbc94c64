import {readdir} from 'node:fs/promises';
import test from 'ava';
import {BSON} from 'bson';
import {createProject, testMongoUri} from './helpers/project.js';

/** The stored bytes of every document, by its string form of _id. */
async function rawDocuments(
	project: Awaited<ReturnType<typeof createProject>>,
	environment: string,
	collection: string,
): Promise<Map<string, string>> {
	const found = new Map<string, string>();
	for (const raw of (await project.db(environment).collection(collection).find({}, {raw: true}).toArray()) as unknown as Buffer[]) {
		const document = BSON.deserialize(raw);
		found.set(String(document._id), Buffer.from(raw).toString('hex'));
	}

	return found;
}

/** Keys in stored order, read from the bytes (a decoded object puts integer-like keys first). */
function storedKeys(hex: string): string[] {
	const bytes = Buffer.from(hex, 'hex');
	return [...BSON.onDemand.parseToElements(bytes)].map(element => bytes.subarray(element[1], element[1] + element[2]).toString('utf8'));
}

test('restore and copy_db send documents as they are: field order (integer-like keys included) and types arrive byte for byte', async t => {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: `t_${suffix}_staging`}, qa: {uri: testMongoUri(), database: `t_${suffix}_qa`}},
		config: {backups: {local: {dir: 'backups'}}},
	});
	// A Map keeps the order it is given; a JavaScript object would move "10" and "2" to the front.
	const ordered = new Map<string, unknown>([
		['_id', 'ordered'],
		['zeta', 1],
		['10', 'ten'],
		[
			'alpha',
			new Map<string, unknown>([
				['b', 2],
				['7', 'seven'],
				['a', 1],
			]),
		],
		['2', 'two'],
		['big', BSON.Long.fromString('9007199254740993')],
		['int', new BSON.Int32(5)],
		['double', new BSON.Double(5)],
	]);
	await project.db('development').command({insert: 'layouts', documents: [ordered, {_id: 'plain', n: 1}]});
	const source = await rawDocuments(project, 'development', 'layouts');
	t.deepEqual(
		storedKeys(source.get('ordered')!),
		['_id', 'zeta', '10', 'alpha', '2', 'big', 'int', 'double'],
		'the server keeps the order it was sent',
	);

	const copied = await project.monarch(['copy_db', 'development:staging', '--yes']);
	t.is(copied.code, 0, copied.stderr);
	t.deepEqual(await rawDocuments(project, 'staging', 'layouts'), source);

	const backup = await project.monarch(['backup', 'development', '--name', 'layouts']);
	t.is(backup.code, 0, backup.stderr);
	const archive = (await readdir(`${project.dir}/backups`)).find(file => file.endsWith('.archive.gz'))!;
	const restored = await project.monarch(['restore', `${archive}:qa`, '--yes']);
	t.is(restored.code, 0, restored.stderr);
	t.deepEqual(await rawDocuments(project, 'qa', 'layouts'), source);
});
