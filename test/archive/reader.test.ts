import {randomBytes} from 'node:crypto';
import {Readable} from 'node:stream';
import test from 'ava';
import {serialize} from 'bson';
import {type ArchiveCollection, readArchive, readArchiveFile} from '../../source/core/archive/index.js';
import {isMonarchError} from '../../source/core/errors.js';
import {chunked, readAll, writeToBuffer} from './helpers.js';

const entry = (collection: string): ArchiveCollection => ({
	db: 'db',
	collection,
	type: 'collection',
	metadata: {indexes: [], collectionName: collection},
});

async function bigArchive(gzip: boolean): Promise<{bytes: Buffer; count: number}> {
	const count = 20_000;
	const documents = Array.from({length: count}, (_, index) => Buffer.from(serialize({_id: index, pad: randomBytes(100).toString('hex')})));
	const {bytes} = await writeToBuffer(
		async writer => {
			await writer.writePrelude([entry('a')]);
			for (let start = 0; start < count; start += 1000) await writer.writeDocuments('db', 'a', documents.slice(start, start + 1000));
			await writer.endCollection('db', 'a');
		},
		{gzip},
	);
	return {bytes, count};
}

for (const gzip of [false, true]) {
	test(`streams${gzip ? ' gzipped input' : ''}: documents come out before the input is read to its end`, async t => {
		const {bytes, count} = await bigArchive(gzip);
		const chunks = chunked(bytes, [8192]);
		let pulled = 0;
		const source = (async function* () {
			for (const chunk of chunks) {
				pulled++;
				yield chunk;
			}
		})();
		let pulledAtFirstDocuments = -1;
		let documents = 0;
		for await (const event of readArchive(source)) {
			if (event.type !== 'documents') continue;
			if (pulledAtFirstDocuments < 0) pulledAtFirstDocuments = pulled;
			documents += event.documents.length;
			t.true(event.documents.length <= 1000);
		}

		t.is(documents, count);
		t.true(
			pulledAtFirstDocuments > 0 && pulledAtFirstDocuments < chunks.length / 4,
			`pulled ${pulledAtFirstDocuments} of ${chunks.length}`,
		);
	});
}

test('documents are views of the input chunks when they fit in one', async t => {
	const {bytes} = await bigArchive(false);
	const events = await readAll(bytes);
	const first = events.find(event => event.type === 'documents');
	t.truthy(first);
	if (first?.type === 'documents') t.is(first.documents[0]!.buffer, bytes.buffer);
});

test('stopping early closes the input stream', async t => {
	const {bytes} = await bigArchive(true);
	const input = Readable.from(chunked(bytes, [4096]));
	for await (const event of readArchive(input)) {
		if (event.type === 'documents') break;
	}

	t.true(input.destroyed);
});

test('an aborted signal stops reading with a cancelled error', async t => {
	const {bytes} = await bigArchive(false);
	const controller = new AbortController();
	const error = await t.throwsAsync(async () => {
		for await (const event of readArchive(chunked(bytes, [4096]), {signal: controller.signal})) {
			if (event.type === 'documents') controller.abort();
		}
	});
	t.true(isMonarchError(error) && error.code === 'cancelled');
});

test('errors of the input itself pass through', async t => {
	const input = new Readable({
		read() {
			this.destroy(new Error('socket hang up'));
		},
	});
	await t.throwsAsync(readAll(input), {message: 'socket hang up'});
	await t.throwsAsync(
		async () => {
			for await (const _event of readArchiveFile('/nonexistent/backup.archive'));
		},
		{code: 'ENOENT'},
	);
});

test('a text stream is refused', async t => {
	await t.throwsAsync(readAll(Readable.from(['not bytes'])), {code: 'internal', message: /text stream/});
});
