import test from 'ava';
import stringWidth from 'string-width';
import type {ScrubSuggestResult} from '../../source/core/scrub/suggest.js';
import {privacyCountsLine, privacyLines, reasonColumnWidth} from '../../source/tui/state/privacy-lines.js';
import {lineText} from '../../source/tui/state/rehearsal-report-lines.js';

const result: ScrubSuggestResult = {
	environment: 'production',
	file: 'monarch.json',
	sample: 1000,
	unclassified: 1,
	collections: [
		{
			name: 'accounts',
			sampled: 40,
			current: 'fields',
			suggestion: 'fields',
			paths: [
				{
					path: '_id',
					types: ['int'],
					documents: 40,
					present: 1,
					current: 'keep',
					suggestion: 'keep',
					reason: 'nothing personal in the name; int values',
				},
				{
					path: 'phone',
					types: ['string'],
					documents: 30,
					present: 0.75,
					current: null,
					suggestion: 'fake.phone',
					reason: 'the name says a phone number; 100% of values look like phone numbers',
				},
			],
		},
		{name: 'audit_log', sampled: 0, current: null, suggestion: 'empty', paths: []},
	],
};

test('the privacy line says reading, unknown with the reason, or the counts (yellow until every path and collection is classified)', t => {
	t.is(privacyCountsLine(undefined).text, 'privacy: reading a sample…');
	t.deepEqual(privacyCountsLine({state: 'failed', error: 'production is unreachable'}), {
		text: 'privacy: unknown (production is unreachable)',
		color: 'yellow',
	});
	const counts = {environment: 'production', sample: 100, classified: 14, unclassified: 3, unclassifiedCollections: []};
	t.deepEqual(privacyCountsLine({state: 'read', counts}), {text: 'privacy: 14 paths classified, 3 not · P to review', color: 'yellow'});
	t.is(
		privacyCountsLine({state: 'read', counts: {...counts, unclassified: 0, unclassifiedCollections: ['audit_log']}}).text,
		'privacy: 14 paths classified, 0 not, 1 collection not classified · P to review',
	);
	t.deepEqual(privacyCountsLine({state: 'read', counts: {...counts, classified: 1, unclassified: 0}}), {
		text: 'privacy: 1 path classified, 0 not',
		color: 'green',
	});
});

test('privacy lines fit their width: the reason has its column on a wide terminal, its own line under the row on a narrow one', t => {
	const narrow = privacyLines(result, 80).map(line => lineText(line));
	t.true(
		narrow.every(line => stringWidth(line) <= 80),
		narrow.join('\n'),
	);
	t.deepEqual(narrow, [
		'accounts 40 documents sampled, classified by field',
		'  PATH     TYPES  PRES CURRENT      SUGGESTION',
		'  _id      int    100% keep         keep      ',
		'      nothing personal in the name; int values',
		'  phone    string  75% unclassified fake.phone',
		'      the name says a phone number; 100% of values look like phone numbers',
		'',
		'audit_log 0 documents sampled, not classified',
		'  suggested: "empty" for the whole collection',
		'  (no documents)',
	]);
	const wide = privacyLines(result, reasonColumnWidth).map(line => lineText(line));
	t.true(wide.every(line => stringWidth(line) <= reasonColumnWidth));
	t.regex(wide[1]!, /SUGGESTION REASON$/);
	t.regex(wide[3]!, /^ {2}phone +string +75% unclassified fake\.phone the name says a phone number; 100% of values look like phone$/);
	t.is(wide[4], `${' '.repeat(wide[3]!.indexOf('the name'))}numbers`, 'a long reason wraps inside its column');
	const phone = privacyLines(result, 80)[4]!;
	t.is(phone.find(span => span.text.startsWith('unclassified'))?.color, 'yellow');
	t.is(phone.find(span => span.text.startsWith('fake.phone'))?.color, 'cyan');
});
