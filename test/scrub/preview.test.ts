import test from 'ava';
import {snapshot} from '../helpers/backup-data.js';
import {key, scrubProject} from './helpers.js';

test('scrub_preview shows documents before and after the rules side by side and writes nothing', async t => {
	const {project} = await scrubProject(t);
	const before = await snapshot(project.db('production'));
	const shown = await project.monarch(['scrub_preview', 'production', 'accounts', '-n', '2'], {env: key});
	t.is(shown.code, 0, shown.stderr);
	const lines = shown.stdout.split('\n');
	t.regex(lines[0] ?? '', /^accounts of production, scrub rules [0-9a-f]{16}: 2 documents, nothing written$/);
	t.true(lines.some(line => /^BEFORE +│ AFTER$/.test(line)));
	t.true(
		lines.some(line => /"email": "customer0@shop\.example", +│ +"email": "(?!customer0)[^"]+@[^"]+",/.test(line)),
		shown.stdout,
	);
	t.true(lines.some(line => /"city": "Paris" +│ +"city": "Paris"/.test(line)));
	t.false(shown.stdout.includes(key.MONARCH_SCRUB_KEY));
	t.deepEqual(await snapshot(project.db('production')), before);

	const json = await project.monarch(['scrub_preview', 'production', 'users', '-n', '1', '--json'], {env: key});
	t.is(json.code, 0, json.stderr);
	const preview = JSON.parse(json.stdout) as {documents: Array<{before: {card: {last4: string}}; after: {card: {last4: string}}}>};
	t.deepEqual(
		preview.documents.map(entry => [entry.before.card.last4, entry.after.card.last4]),
		[['4000', '**00']],
	);

	const noRules = await project.monarch(['scrub_preview', 'production', 'products'], {env: key});
	t.is(noRules.code, 2);
	t.regex(noRules.stderr, /has no scrub rules for products \(collections with rules: accounts, campaigns, users\)/);
	const noKey = await project.monarch(['scrub_preview', 'production', 'accounts'], {env: {MONARCH_SCRUB_KEY: ''}});
	t.is(noKey.code, 2);
	t.regex(noKey.stderr, /the scrub key is not set \(environment variable MONARCH_SCRUB_KEY\)/);
});
